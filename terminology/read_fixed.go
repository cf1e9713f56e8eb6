package terminology

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// ReadFixedWidth reads an ANWEB fixed-width file (HCPC2019_CONTR_ANWEB.txt):
// 320-character records in the layout of CMS's record-layout document,
// cp1252, CRLF or LF line ends. name is used in error messages only.
//
// A line is a record when it starts like one: five characters of blank,
// A-Z or 0-9 and a five-digit SEQNUM. Every other line (the disclaimer
// text CMS puts at the top since 2018, blank lines) is skipped. A line that
// starts like a record but is broken — a RECID other than 3, 4, 7 or 8, a
// bad code, a bad date, non-digits in PRICEn or ANEST_BU, data beyond
// position 320 or in a filler — is an error naming the file and line.
//
// Short lines are padded to 320 before slicing: CMS trims continuation lines
// to 91 characters in some years. A continuation line (RECID 4 or 8) adds
// its trimmed 80-character chunk to the long description of the record
// before it, joined by one space; it must continue a record of the same
// code and kind, and carry nothing after the description.
func ReadFixedWidth(r io.Reader, name string) ([]*Concept, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, readErr(name, "", 0, err)
	}
	return readFixedWidth(data, name)
}

// isRecordStart reports whether line starts like an ANWEB record: the code
// field (five of blank, A-Z, 0-9) and a five-digit SEQNUM. RECID is checked
// afterwards so that a bad RECID is an error, not a skipped line.
func isRecordStart(line []byte) bool {
	if len(line) < 10 {
		return false
	}
	for _, c := range line[:5] {
		if c != ' ' && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	for _, c := range line[5:10] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// fixedDecoder turns the bytes of one field into a string: cp1252 decoded,
// with short ASCII values interned so that the thousands of "N", "00",
// "20020101" share one string each and nothing refers back to the file.
type fixedDecoder struct {
	intern map[string]string
	cp1252 interface {
		Bytes([]byte) ([]byte, error)
	}
}

func newFixedDecoder() *fixedDecoder {
	return &fixedDecoder{intern: make(map[string]string, 1024), cp1252: charmap.Windows1252.NewDecoder()}
}

func (d *fixedDecoder) str(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	for _, c := range b {
		if c >= 0x80 {
			u, err := d.cp1252.Bytes(b)
			if err != nil { // cannot happen: every byte maps in cp1252
				return string(b)
			}
			return string(u)
		}
	}
	if len(b) > 10 {
		return string(b)
	}
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	d.intern[s] = s
	return s
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

func readFixedWidth(data []byte, name string) ([]*Concept, error) {
	cl := newCollector(bytes.Count(data, []byte{'\n'}) / 2)
	dec := newFixedDecoder()
	var (
		pad      [recordLength]byte
		rec      record
		prevRaw  string // raw HCPC field of the current first record
		prevKind Kind
	)
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if !isRecordStart(line) {
			continue
		}
		fail := func(format string, args ...any) error {
			return readErrf(name, "", lineNo, format, args...)
		}
		if len(line) > recordLength {
			if !isBlank(line[recordLength:]) {
				return nil, fail("record is %d characters long; the layout has %d", len(line), recordLength)
			}
			line = line[:recordLength]
		}
		if len(line) < recordLength {
			n := copy(pad[:], line)
			for i := n; i < recordLength; i++ {
				pad[i] = ' '
			}
			line = pad[:]
		}
		recid := string(line[10:11])
		kind, cont, ok := recordKind(recid)
		if !ok {
			return nil, readErr(name, "", lineNo, badField(colRECID, "%q is not 3, 4, 7 or 8", recid))
		}
		if kind == Modifier && !isBlank(line[:3]) {
			return nil, readErr(name, "", lineNo, badField(colHCPC, "modifier %q must be in positions 4-5 with 1-3 blank", line[:5]))
		}
		if cont {
			prev := cl.last()
			if prev == nil || prevRaw != string(line[:5]) || prevKind != kind {
				return nil, fail("continuation line (RECID %s) of %q does not follow a first line of the same code", recid, strings.TrimSpace(string(line[:5])))
			}
			if !isBlank(line[layout[colShortDesc].start-1:]) {
				return nil, fail("continuation line (RECID %s) has data after the long description (positions %d-%d must be blank)", recid, layout[colShortDesc].start, recordLength)
			}
			if chunk := dec.str(line[layout[colLongDesc].start-1 : layout[colLongDesc].end]); chunk != "" {
				if prev.LongDescription == "" {
					prev.LongDescription = chunk
				} else {
					prev.LongDescription += " " + chunk
				}
			}
			continue
		}
		if line[259] != ' ' || !isBlank(line[layout[colAction].end:]) {
			return nil, fail("filler (position 260 or 294-320) is not blank: a field is shifted")
		}
		for c := range numColumns {
			f := layout[c]
			rec[c] = dec.str(line[f.start-1 : f.end])
		}
		concept, ferr := rec.concept()
		if ferr != nil {
			return nil, readErr(name, "", lineNo, ferr)
		}
		if prev := cl.add(concept, lineNo); prev != 0 {
			return nil, fail("code %q is listed again (first at line %d)", concept.Code, prev)
		}
		prevRaw, prevKind = string(line[:5]), kind
	}
	if len(cl.concepts) == 0 {
		return nil, readErr(name, "", 0, fmt.Errorf("no ANWEB records (lines starting with a code, a five-digit SEQNUM and RECID 3, 4, 7 or 8)"))
	}
	return cl.concepts, nil
}

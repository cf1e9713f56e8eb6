package cmsreport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// ReadPRN reads a fixed-width change report (Changes_by_HCPC.prn and its
// earlier names), cp1252 with CRLF or LF line ends. name is used in error
// messages, which name the file and line.
//
// Everything before the header line (the first whose text starts with
// "HCPC") is CMS's disclaimer and is skipped, as are blank lines after it.
// When the header has "SHORT DESCRIPTION" and "LONG DESCRIPTION", their
// positions are the columns of the descriptions and the type of change is
// what lies between the code and the short description; otherwise the
// type of change is the rest of the line after the code.
func ReadPRN(r io.Reader, name string) (*Report, error) {
	rep := &Report{Name: name}
	where := func(line int) string { return fmt.Sprintf("%s:%d", name, line) }
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	dec := charmap.Windows1252.NewDecoder()
	text := func(b []byte) string {
		b = bytes.TrimSpace(b)
		if u, err := dec.Bytes(b); err == nil { // every byte maps in cp1252
			b = u
		}
		return string(b)
	}
	var (
		headerLine        int
		shortCol, longCol int // byte offsets, 0 when the layout has none
		lineNo            int
	)
	for sc.Scan() {
		lineNo++
		line := bytes.TrimRight(sc.Bytes(), "\r")
		if headerLine == 0 {
			if t := bytes.TrimSpace(line); len(t) >= 4 && strings.EqualFold(string(t[:4]), "HCPC") {
				headerLine = lineNo
				upper := strings.ToUpper(string(line))
				shortCol, longCol = strings.Index(upper, "SHORT DESCRIPTION"), strings.Index(upper, "LONG DESCRIPTION")
				switch {
				case shortCol < 0 && longCol < 0:
					shortCol, longCol = 0, 0
				case shortCol <= 0 || longCol <= shortCol:
					return nil, fmt.Errorf("%s: %w: header has SHORT DESCRIPTION at %d and LONG DESCRIPTION at %d; want both, short first, after the code", where(lineNo), ErrMalformed, shortCol+1, longCol+1)
				default:
					rep.HasDescriptions, rep.LongCut = true, true
				}
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e := Entry{Line: lineNo}
		head := line
		if rep.HasDescriptions {
			head = line[:min(len(line), shortCol)]
			e.Short = text(line[min(len(line), shortCol):min(len(line), longCol)])
			e.Long = text(line[min(len(line), longCol):])
		}
		code, label, _ := strings.Cut(strings.TrimSpace(string(head)), " ")
		if !isCode(code) {
			return nil, fmt.Errorf("%s: %w: %q is not a HCPCS code or modifier", where(lineNo), ErrMalformed, code)
		}
		e.Code, e.Label = code, strings.TrimSpace(text([]byte(label)))
		kinds, err := ParseLabel(e.Label)
		if err != nil {
			return nil, fmt.Errorf("%s: code %s: %w", where(lineNo), code, err)
		}
		e.Kinds = kinds
		if err := rep.add(e, where); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, lineNo+1, err)
	}
	if headerLine == 0 {
		return nil, fmt.Errorf("%s: %w: no header line (one starting with HCPC) in %d lines", name, ErrMalformed, lineNo)
	}
	return rep, nil
}

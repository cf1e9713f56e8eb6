package terminology

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"
)

// The lean reader reads the cells of an .xlsx as excelize's Rows and
// Columns (RawCellValue) do, for the plain SpreadsheetML that CMS writes,
// about ten times faster: excelize decodes every cell through encoding/xml
// and spools each sheet over 2 MB to a temporary file, which made up three
// quarters of the server's start. Whatever it does not know — rich text,
// formulas, inline strings, booleans, escapes (_x000D_), prefixed names,
// rows out of order — it declines (errLeanDeclined) and ReadXLSX reads the
// workbook with excelize. FuzzLeanXLSXAgreesWithExcelize and
// TestLeanXLSXAgreesWithExcelize hold it to excelize's answers.

// leanWorkbook is an opened workbook: its sheets and shared strings.
type leanWorkbook struct {
	names    []string
	parts    []*zip.File // the worksheet part of each sheet
	sst      []string
	declined bool // a sheet left the lean subset: read the workbook with excelize
}

// maxLeanPart bounds the size of a part read into memory.
const maxLeanPart = 256 << 20

// openLeanWorkbook opens data as an .xlsx and finds its parts where
// excelize does: the workbook at the package's officeDocument
// relationship (xl/workbook.xml), each sheet's part by the workbook's
// relationships, the shared strings at xl/sharedStrings.xml. It declines
// what it cannot resolve exactly so (another workbook path, a sheet
// without its part, two sheets of one name, member names excelize would
// rewrite) and a workbook excelize would refuse to open for a part it
// parses at opening (styles, theme, a calculation chain) that is not
// well-formed XML.
func openLeanWorkbook(data []byte) (*leanWorkbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errLeanDeclined
	}
	members := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		lower := strings.ToLower(f.Name)
		if _, dup := members[f.Name]; dup || strings.Contains(f.Name, "\\") || lower == "xl/calcchain.xml" ||
			lower == "xl/sharedstrings.xml" && f.Name != "xl/sharedStrings.xml" {
			return nil, errLeanDeclined
		}
		members[f.Name] = f
		if f.Name == "xl/styles.xml" || strings.HasPrefix(f.Name, "xl/theme/") {
			if b, err := readPart(f); err != nil || !wellFormed(b) {
				return nil, errLeanDeclined
			}
		}
	}
	part := func(name string) []byte {
		f := members[name]
		if f == nil {
			return nil
		}
		b, _ := readPart(f)
		return b
	}
	var root relationships
	if err := unmarshalPart(part("_rels/.rels"), &root); err != nil {
		return nil, err
	}
	for _, r := range root.Rels {
		if r.Type == officeDocumentRel {
			if strings.TrimPrefix(r.Target, "/") != "xl/workbook.xml" {
				return nil, errLeanDeclined
			}
			break
		}
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := unmarshalPart(part("xl/workbook.xml"), &wb); err != nil {
		return nil, err
	}
	var rels relationships
	if err := unmarshalPart(part("xl/_rels/workbook.xml.rels"), &rels); err != nil {
		return nil, err
	}
	lw := &leanWorkbook{}
	for _, sh := range wb.Sheets {
		for _, prev := range lw.names {
			if strings.EqualFold(prev, sh.Name) {
				return nil, errLeanDeclined
			}
		}
		var target string
		for _, r := range rels.Rels {
			if r.ID == sh.ID {
				if target != "" {
					return nil, errLeanDeclined
				}
				target = r.Target
			}
		}
		// excelize resolves the target against xl/ and cleans it; a target
		// that cleaning would change is declined.
		if target == "" || target[0] == '/' || path.Clean("xl/"+target) != "xl/"+target || members["xl/"+target] == nil {
			return nil, errLeanDeclined
		}
		lw.names, lw.parts = append(lw.names, sh.Name), append(lw.parts, members["xl/"+target])
	}
	if f := members["xl/sharedStrings.xml"]; f != nil {
		b, err := readPart(f)
		if err != nil {
			return nil, err
		}
		if lw.sst, err = readSharedStrings(b); err != nil {
			return nil, err
		}
	}
	return lw, nil
}

// readPart reads a member whole, into a buffer of its stated size; a
// member that is corrupt, larger than maxLeanPart or not of its stated
// size is declined (excelize would read what it can of it).
func readPart(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxLeanPart {
		return nil, errLeanDeclined
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errLeanDeclined
	}
	defer rc.Close()
	b := make([]byte, f.UncompressedSize64)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, errLeanDeclined
	}
	// Reading on to the end checks the CRC and the size.
	if n, err := rc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		return nil, errLeanDeclined
	}
	return b, nil
}

// wellFormed reports whether b is well-formed XML.
func wellFormed(b []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

const officeDocumentRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// unmarshalPart decodes a small part (workbook, relationships) with
// encoding/xml, as excelize does; a missing part is declined.
func unmarshalPart(b []byte, v any) error {
	if b == nil || xml.Unmarshal(b, v) != nil {
		return errLeanDeclined
	}
	return nil
}

func (lw *leanWorkbook) sheetList() []string { return lw.names }

// rows opens sheet i; a sheet outside the lean subset marks the workbook
// declined.
func (lw *leanWorkbook) rows(i int) (sheetRows, error) {
	b, err := readPart(lw.parts[i])
	if err != nil {
		lw.declined = true
		return nil, err
	}
	r, err := openLeanRows(b, lw.sst)
	if err != nil {
		lw.declined = true
		return nil, err
	}
	r.wb = lw
	return r, nil
}

// readSharedStrings reads <sst><si><t>text</t></si>...</sst>. An item
// with rich-text runs, phonetic runs, or an _xHHHH_ escape is declined.
func readSharedStrings(b []byte) ([]string, error) {
	s, err := newXMLScanner(b)
	if err != nil {
		return nil, err
	}
	root, err := s.root("sst")
	if err != nil || root.selfClosing {
		return nil, errLeanDeclined
	}
	var out []string
	for {
		t, err := s.nextElement()
		if err != nil {
			return nil, err
		}
		if t.kind == tokEnd {
			if string(t.name) != "sst" {
				return nil, errLeanDeclined
			}
			return out, nil
		}
		if string(t.name) != "si" {
			return nil, errLeanDeclined
		}
		var text string
		if !t.selfClosing {
			in, err := s.nextElement()
			if err != nil {
				return nil, err
			}
			if in.kind == tokStart {
				if string(in.name) != "t" {
					return nil, errLeanDeclined
				}
				if text, err = s.textElement(in); err != nil {
					return nil, err
				}
				if in, err = s.nextElement(); err != nil {
					return nil, err
				}
			}
			if in.kind != tokEnd || string(in.name) != "si" {
				return nil, errLeanDeclined
			}
		}
		if bytes.Contains([]byte(text), []byte("_x")) {
			return nil, errLeanDeclined
		}
		out = append(out, text)
	}
}

// root skips to the document's root element, which must be named name.
func (s *xmlScanner) root(name string) (token, error) {
	t, err := s.nextElement()
	if err != nil {
		return token{}, err
	}
	if t.kind != tokStart || string(t.name) != name {
		return token{}, errLeanDeclined
	}
	return t, nil
}

// nextElement returns the next start or end tag, skipping whitespace;
// other text is declined.
func (s *xmlScanner) nextElement() (token, error) {
	for {
		t, err := s.next()
		if err != nil {
			return token{}, err
		}
		switch t.kind {
		case tokText:
			if !isXMLSpace(t.text) {
				return token{}, errLeanDeclined
			}
		case tokEOF:
			return token{}, errLeanDeclined
		default:
			return t, nil
		}
	}
}

// leanRows iterates over the rows of a sheet like excelize.Rows: Next
// visits every row number from 1 to the last row, empty ones included.
type leanRows struct {
	wb       *leanWorkbook // told when the sheet is declined
	s        *xmlScanner
	sst      []string
	n        int // the row number Next moved to
	next     int // the number of the row element read ahead, 0 when none
	cells    []string
	done     bool // </sheetData> reached
	emptyRow bool // the row read ahead is <row .../>
	width    int  // the most cells a row had so far: the next row's capacity
	err      error
}

// openLeanRows opens a worksheet, positioned before its first row.
func openLeanRows(b []byte, sst []string) (*leanRows, error) {
	s, err := newXMLScanner(b)
	if err != nil {
		return nil, err
	}
	if _, err := s.root("worksheet"); err != nil {
		return nil, err
	}
	// Skip what comes before <sheetData>: excelize looks for row
	// elements anywhere, so one outside sheetData is declined.
	for {
		t, err := s.nextElement()
		if err != nil {
			return nil, err
		}
		if t.kind != tokStart {
			return nil, errLeanDeclined // </worksheet> without sheetData
		}
		switch string(t.name) {
		case "sheetData":
			return &leanRows{s: s, sst: sst, done: t.selfClosing}, nil
		case "row", "c":
			return nil, errLeanDeclined
		}
		if err := s.skipNoRows(t); err != nil {
			return nil, err
		}
	}
}

// skipNoRows skips an element before sheetData, declining one that holds a
// row or sheetData element.
func (s *xmlScanner) skipNoRows(start token) error {
	if start.selfClosing {
		return nil
	}
	depth := 1
	for depth > 0 {
		t, err := s.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokEOF:
			return errLeanDeclined
		case tokStart:
			switch string(t.name) {
			case "row", "c", "sheetData":
				return errLeanDeclined
			}
			if !t.selfClosing {
				depth++
			}
		case tokEnd:
			depth--
		case tokText:
			if err := checkText(t.text); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxRows is the row limit of a sheet (excelize.TotalRows).
const maxRows = 1 << 20

// Next moves to the next row number.
func (r *leanRows) Next() bool {
	if r.err != nil {
		return false
	}
	if r.next == 0 && !r.done {
		r.next, r.err = r.readRowStart()
		if r.err != nil {
			r.fail()
			return false
		}
	}
	if r.next == 0 {
		return false
	}
	r.n++
	r.cells = nil
	if r.n == r.next {
		r.next = 0
		r.cells, r.err = r.readCells()
		if r.err != nil {
			r.fail()
			return false
		}
	}
	return true
}

func (r *leanRows) fail() {
	if r.wb != nil {
		r.wb.declined = true
	}
}

// Columns returns the cells of the current row, as excelize's Columns
// does: up to the last non-empty cell, blank cells before it as "".
func (r *leanRows) Columns() ([]string, error) { return r.cells, nil }

// Error is errLeanDeclined when the sheet left the lean subset.
func (r *leanRows) Error() error { return r.err }

// Close returns Error, as excelize's Close does for a sheet in memory.
func (r *leanRows) Close() error { return r.err }

// readRowStart reads up to the next <row> start tag and returns its
// number, or 0 at </sheetData>.
func (r *leanRows) readRowStart() (int, error) {
	t, err := r.s.nextElement()
	if err != nil {
		return 0, err
	}
	if t.kind == tokEnd {
		if string(t.name) != "sheetData" {
			return 0, errLeanDeclined
		}
		r.done = true
		return 0, nil
	}
	if string(t.name) != "row" {
		return 0, errLeanDeclined
	}
	vs, ok, err := plainAttrs(t.attrs, [3]string{"r"})
	v := vs[0]
	if err != nil || !ok[0] {
		return 0, errLeanDeclined
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n <= r.n || n > maxRows || v[0] == '0' {
		return 0, errLeanDeclined // rows out of order: excelize skips some
	}
	r.emptyRow = t.selfClosing
	return n, nil
}

// readCells reads the cells of the row whose start tag was just read.
func (r *leanRows) readCells() ([]string, error) {
	if r.emptyRow {
		return nil, nil
	}
	cells := make([]string, 0, r.width)
	col := 0
	for {
		t, err := r.s.nextElement()
		if err != nil {
			return nil, err
		}
		if t.kind == tokEnd {
			if string(t.name) != "row" {
				return nil, errLeanDeclined
			}
			r.width = max(r.width, len(cells))
			if len(cells) == 0 {
				return nil, nil
			}
			return cells, nil
		}
		if string(t.name) != "c" {
			return nil, errLeanDeclined
		}
		a, has, err := plainAttrs(t.attrs, [3]string{"r", "t", "s"})
		if err != nil {
			return nil, err
		}
		ref, typ := a[0], a[1]
		if has[2] && !isSmallNumber(a[2]) {
			return nil, errLeanDeclined // excelize stops reading a cell's attributes at a bad style
		}
		col++
		if has[0] {
			if col, err = cellColumn(ref); err != nil {
				return nil, err
			}
		}
		var raw []byte
		if !t.selfClosing {
			if raw, err = r.readValue(); err != nil {
				return nil, err
			}
		}
		var v string
		switch string(typ) {
		case "", "n", "str":
			if v, err = decodeText(raw); err != nil {
				return nil, err
			}
		case "s":
			if len(raw) > 0 {
				// An index written any other way than plain digits is declined.
				if !isSmallNumber(raw) {
					return nil, errLeanDeclined
				}
				i := 0
				for _, c := range raw {
					i = i*10 + int(c-'0')
				}
				if i >= len(r.sst) {
					return nil, errLeanDeclined
				}
				v = r.sst[i]
			}
		default:
			return nil, errLeanDeclined
		}
		if v != "" {
			for len(cells) < col-1 {
				cells = append(cells, "")
			}
			cells = append(cells, v)
		}
	}
}

// readValue reads the children of a <c>: at most one <v>, nothing else.
// It returns the raw text of the <v>.
func (r *leanRows) readValue() ([]byte, error) {
	var v []byte
	seen := false
	for {
		t, err := r.s.nextElement()
		if err != nil {
			return nil, err
		}
		if t.kind == tokEnd {
			if string(t.name) != "c" {
				return nil, errLeanDeclined
			}
			return v, nil
		}
		if string(t.name) != "v" || seen {
			return nil, errLeanDeclined
		}
		seen = true
		if v, err = r.s.rawTextElement(t); err != nil {
			return nil, err
		}
	}
}

// isSmallNumber reports whether b is 1 to 9 decimal digits.
func isSmallNumber(b []byte) bool {
	if len(b) == 0 || len(b) > 9 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// cellColumn is the 1-based column of a reference such as AB12; a
// lower-case, out-of-range or malformed reference is declined.
func cellColumn(ref []byte) (int, error) {
	i, col := 0, 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i == 0 || i > 3 || col > 16384 || i == len(ref) || ref[i] == '0' || !isSmallNumber(ref[i:]) {
		return 0, errLeanDeclined
	}
	if row, _ := strconv.Atoi(string(ref[i:])); row > maxRows {
		return 0, errLeanDeclined
	}
	return col, nil
}

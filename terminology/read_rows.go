package terminology

import (
	"fmt"
	"strings"
)

// This file is the part of the xlsx and csv readers that is the same for
// both: finding the header row, mapping columns by header name, and turning
// rows into concepts.

// headerIndex maps a header name to its column.
var headerIndex = func() map[string]column {
	m := make(map[string]column, numColumns)
	for c := range numColumns {
		m[layout[c].name] = column(c)
	}
	return m
}()

// isHeaderRow reports whether a row is the ANWEB header: column A is HCPC.
func isHeaderRow(row []string) bool {
	return len(row) > 0 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(row[0], "\uFEFF")), "HCPC")
}

// rowReader turns the rows of an xlsx sheet or a csv file, header first,
// into concepts.
type rowReader struct {
	file, sheet string
	pos         [numColumns]int // row index of each column
	width       int             // number of header cells
	cl          *collector
}

// newRowReader maps the header row's names to layout columns. Names are
// matched after trimming, case-insensitively; every one of the 48 columns
// must be present exactly once, and an unknown name is an error (a layout
// change that the reader must learn about). Trailing blank header cells are
// ignored.
func newRowReader(file, sheet string, line int, header []string) (*rowReader, error) {
	rr := &rowReader{file: file, sheet: sheet, cl: newCollector(8192)}
	for c := range rr.pos {
		rr.pos[c] = -1
	}
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	rr.width = len(header)
	for i, h := range header {
		name := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		c, ok := headerIndex[name]
		if !ok {
			return nil, readErrf(file, sheet, line, "header cell %d is %q, which is not an ANWEB column", i+1, h)
		}
		if rr.pos[c] >= 0 {
			return nil, readErrf(file, sheet, line, "header names column %s twice", name)
		}
		rr.pos[c] = i
	}
	var missing []string
	for c, p := range rr.pos {
		if p < 0 {
			missing = append(missing, layout[c].name)
		}
	}
	if len(missing) > 0 {
		return nil, readErrf(file, sheet, line, "header lacks column(s) %s", strings.Join(missing, ", "))
	}
	return rr, nil
}

// row reads one data row. Missing trailing cells are blank; a fully blank
// row is skipped.
//
// A continuation row (RECID 4 or 8) must follow a first row of the same code
// and kind. In CMS's spreadsheets the first row already holds the complete
// long description, and the only continuation row seen (G0503, 2019-2023)
// repeats its tail, so a continuation whose text the description already
// contains is ignored; one that brings new text has it appended, as the
// fixed-width reader does.
func (rr *rowReader) row(line int, cells []string) error {
	var rec record
	blank := true
	for c, p := range rr.pos {
		if p < len(cells) {
			rec[c] = cells[p]
			if blank && strings.TrimSpace(cells[p]) != "" {
				blank = false
			}
		}
	}
	for i := rr.width; i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			return readErrf(rr.file, rr.sheet, line, "cell %d has data but no header", i+1)
		}
	}
	if blank {
		return nil
	}
	kind, cont, ok := recordKind(rec.get(colRECID))
	if !ok {
		return readErr(rr.file, rr.sheet, line, badField(colRECID, "%q is not 3, 4, 7 or 8", rec.get(colRECID)))
	}
	if cont {
		prev := rr.cl.last()
		code := rec.get(colHCPC)
		if prev == nil || prev.Code != code || prev.Kind != kind {
			return readErrf(rr.file, rr.sheet, line, "continuation row (RECID %s) of %q does not follow a first row of the same code", rec.get(colRECID), code)
		}
		for c := colShortDesc; c < column(numColumns); c++ {
			if rec.get(c) != "" {
				return readErr(rr.file, rr.sheet, line, badField(c, "continuation row (RECID %s) must have only a long description", rec.get(colRECID)))
			}
		}
		if chunk := rec.get(colLongDesc); chunk != "" && !strings.Contains(prev.LongDescription, chunk) {
			prev.LongDescription = strings.TrimSpace(prev.LongDescription + " " + chunk)
		}
		return nil
	}
	concept, ferr := rec.concept()
	if ferr != nil {
		return readErr(rr.file, rr.sheet, line, ferr)
	}
	if prev := rr.cl.add(concept, line); prev != 0 {
		unit := "line"
		if rr.sheet != "" {
			unit = "row"
		}
		return readErrf(rr.file, rr.sheet, line, "code %q is listed again (first at %s %d)", concept.Code, unit, prev)
	}
	return nil
}

func (rr *rowReader) done() ([]*Concept, error) {
	if len(rr.cl.concepts) == 0 {
		return nil, readErrf(rr.file, rr.sheet, 0, "no data rows after the header")
	}
	return rr.cl.concepts, nil
}

// errNoHeader is the cause when no row has HCPC in column A.
func errNoHeader(what string) error {
	return fmt.Errorf("no header row (a row whose first cell is HCPC) in %s; is this an ANWEB file?", what)
}

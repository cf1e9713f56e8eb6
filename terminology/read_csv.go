package terminology

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"
)

// ReadCSV reads an ANWEB file saved as CSV: the header row
// HCPC,SEQNUM,RECID,... (a UTF-8 byte-order mark is allowed) followed by one
// row per record, as CMS's spreadsheet has them. Rows before the header
// (disclaimers) are skipped; columns are mapped by header name. The text must
// be UTF-8. name is used in error messages only; errors give the line.
func ReadCSV(r io.Reader, name string) ([]*Concept, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // disclaimer rows and short rows have fewer fields
	cr.ReuseRecord = true
	var rr *rowReader
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, readErr(name, "", pe.StartLine, pe.Err)
			}
			return nil, readErr(name, "", 0, err)
		}
		line, _ := cr.FieldPos(0)
		for _, v := range row {
			if !utf8.ValidString(v) {
				return nil, readErrf(name, "", line, "text is not UTF-8")
			}
		}
		if rr == nil {
			if isHeaderRow(row) {
				if rr, err = newRowReader(name, "", line, row); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := rr.row(line, row); err != nil {
			return nil, err
		}
	}
	if rr == nil {
		return nil, readErr(name, "", 0, errNoHeader("the file"))
	}
	return rr.done()
}

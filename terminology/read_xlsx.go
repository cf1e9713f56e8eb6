package terminology

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// headerSearchRows bounds the search for the header row in each sheet: CMS
// puts at most about ten disclaimer rows above it.
const headerSearchRows = 50

// xlsxInMemoryLimit is the size above which excelize unpacks a worksheet to
// a temporary file and streams it from there instead of holding the XML in
// memory; CMS's sheets are 4-15 MB of XML, their shared strings 1-2 MB. If
// the temporary file cannot be written, excelize falls back to memory.
const xlsxInMemoryLimit = 2 << 20

// ReadXLSX reads an ANWEB spreadsheet (HCPC2025_OCT_ANWEB.xlsx). name is
// used in error messages only.
//
// The data sheet is the one sheet whose header row — a row whose first cell
// is HCPC, found among the first 50 rows, below any disclaimer rows — names
// the 48 ANWEB columns; columns are mapped by header name, not position.
// Rows are streamed; cells are read raw (no number formatting) and trimmed.
// The long description is complete in the RECID 3/7 row; the stray
// continuation row CMS leaves in some files (G0503) is checked and ignored.
// A file without a header row, or with two sheets that have one, fails
// naming the file; a bad row fails naming file, sheet and row.
func ReadXLSX(r io.Reader, name string) ([]*Concept, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipXMLSizeLimit: xlsxInMemoryLimit})
	if err != nil {
		return nil, readErrf(name, "", 0, "not a readable xlsx workbook: %v", err)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	for i, sheet := range sheets {
		rows, n, header, err := findHeader(f, name, sheet)
		if err != nil {
			return nil, err
		}
		if rows == nil {
			continue
		}
		concepts, err := readRows(rows, name, sheet, n, header)
		if err != nil {
			return nil, err
		}
		for _, other := range sheets[i+1:] {
			more, _, _, err := findHeader(f, name, other)
			if err != nil {
				return nil, err
			}
			if more != nil {
				more.Close()
				return nil, readErrf(name, "", 0, "sheets %q and %q both have an ANWEB header row; keep one", sheet, other)
			}
		}
		return concepts, nil
	}
	return nil, readErr(name, "", 0, errNoHeader(fmt.Sprintf("the first %d rows of sheet(s) %s", headerSearchRows, strings.Join(sheets, ", "))))
}

// findHeader looks for the header row among the first rows of sheet. When
// found, it returns the open row iterator positioned on it, its 1-based row
// number and its cells; the caller closes the iterator. Otherwise rows is nil.
func findHeader(f *excelize.File, name, sheet string) (rows *excelize.Rows, n int, header []string, err error) {
	rows, err = f.Rows(sheet)
	if err != nil {
		return nil, 0, nil, readErrf(name, sheet, 0, "reading sheet: %v", err)
	}
	for n = 1; n <= headerSearchRows && rows.Next(); n++ { // Next visits every row number, empty ones included
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rows.Close()
			return nil, 0, nil, readErrf(name, sheet, n, "reading row: %v", err)
		}
		if isHeaderRow(cells) {
			return rows, n, cells, nil
		}
	}
	err = rows.Error()
	rows.Close()
	if err != nil {
		return nil, 0, nil, readErrf(name, sheet, 0, "reading sheet: %v", err)
	}
	return nil, 0, nil, nil
}

// readRows reads the data rows after the header row n, and closes rows.
func readRows(rows *excelize.Rows, name, sheet string, n int, header []string) (concepts []*Concept, err error) {
	defer func() {
		if cerr := rows.Close(); cerr != nil && err == nil {
			concepts, err = nil, readErrf(name, sheet, 0, "reading sheet: %v", cerr)
		}
	}()
	rr, err := newRowReader(name, sheet, n, header)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, readErrf(name, sheet, n, "reading row: %v", err)
		}
		if err := rr.row(n, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, readErrf(name, sheet, n, "reading sheet: %v", err)
	}
	return rr.done()
}

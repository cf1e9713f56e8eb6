package terminology

import (
	"bytes"
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
//
// Plain workbooks are read by the lean reader (xlsx_lean.go); one it
// declines is read by excelize.
func ReadXLSX(r io.Reader, name string) ([]*Concept, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, readErrf(name, "", 0, "reading: %v", err)
	}
	return readXLSX(data, name, true)
}

// readXLSX is ReadXLSX on the file's bytes; lean false reads it with
// excelize only (the benchmarks compare the two).
func readXLSX(data []byte, name string, lean bool) ([]*Concept, error) {
	if lean {
		if lw, err := openLeanWorkbook(data); err == nil {
			concepts, err := readXLSXSheets(lw, name)
			if !lw.declined {
				return concepts, err
			}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipXMLSizeLimit: xlsxInMemoryLimit})
	if err != nil {
		return nil, readErrf(name, "", 0, "not a readable xlsx workbook: %v", err)
	}
	defer f.Close()
	return readXLSXSheets(excelizeWorkbook{f}, name)
}

// workbook is what reading the sheets needs of an opened workbook.
type workbook interface {
	sheetList() []string
	rows(sheet int) (sheetRows, error)
}

// sheetRows iterates over a sheet's rows as excelize.Rows does: Next visits
// every row number, empty ones included; Columns gives the raw cell values
// up to the last non-empty one.
type sheetRows interface {
	Next() bool
	Columns() ([]string, error)
	Error() error
	Close() error
}

type excelizeWorkbook struct{ f *excelize.File }

func (w excelizeWorkbook) sheetList() []string { return w.f.GetSheetList() }

func (w excelizeWorkbook) rows(i int) (sheetRows, error) {
	rows, err := w.f.Rows(w.f.GetSheetList()[i])
	if err != nil {
		return nil, err
	}
	return excelizeRows{rows}, nil
}

type excelizeRows struct{ *excelize.Rows }

func (r excelizeRows) Columns() ([]string, error) {
	return r.Rows.Columns(excelize.Options{RawCellValue: true})
}

// readXLSXSheets finds the one sheet with a header row and reads it.
func readXLSXSheets(wb workbook, name string) ([]*Concept, error) {
	sheets := wb.sheetList()
	for i, sheet := range sheets {
		rows, n, header, err := findHeader(wb, name, i, sheet)
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
		for j := i + 1; j < len(sheets); j++ {
			more, _, _, err := findHeader(wb, name, j, sheets[j])
			if err != nil {
				return nil, err
			}
			if more != nil {
				more.Close()
				return nil, readErrf(name, "", 0, "sheets %q and %q both have an ANWEB header row; keep one", sheet, sheets[j])
			}
		}
		return concepts, nil
	}
	return nil, readErr(name, "", 0, errNoHeader(fmt.Sprintf("the first %d rows of sheet(s) %s", headerSearchRows, strings.Join(sheets, ", "))))
}

// findHeader looks for the header row among the first rows of sheet i.
// When found, it returns the open row iterator positioned on it, its
// 1-based row number and its cells; the caller closes the iterator.
// Otherwise rows is nil.
func findHeader(wb workbook, name string, i int, sheet string) (rows sheetRows, n int, header []string, err error) {
	rows, err = wb.rows(i)
	if err != nil {
		return nil, 0, nil, readErrf(name, sheet, 0, "reading sheet: %v", err)
	}
	for n = 1; n <= headerSearchRows && rows.Next(); n++ { // Next visits every row number, empty ones included
		cells, err := rows.Columns()
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
func readRows(rows sheetRows, name, sheet string, n int, header []string) (concepts []*Concept, err error) {
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
		cells, err := rows.Columns()
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

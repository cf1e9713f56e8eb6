package cmsreport

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// changesSheetPrefix starts the name of the by-code sheet of a spreadsheet
// report: "Changes by HCPC code" (2020-04), "Changes by HCPC" (2020-07 and
// 2020-10). The "Changes by Action Code" sheet holds the same rows in
// another order.
const changesSheetPrefix = "changes by hcpc"

// keySheet is the sheet of action-code letters and their labels.
const keySheet = "action code key"

// The header cells of the by-code sheet; the type of change is "ACTION
// CD" there, "TYPE OF CHANGE" in the text reports.
var (
	codeHeaders  = []string{"HCPC/MOD", "HCPCS/MOD", "HCPC", "HCPCS"}
	labelHeaders = []string{"ACTION CD", "TYPE OF CHANGE"}
)

// ReadXLSX reads a spreadsheet change report (trans_alpha.xlsx). name is
// used in error messages, which name the file, sheet and row.
//
// The by-code sheet's header row is the first whose first cell starts with
// "HCPC"; rows before it (the disclaimer) and empty rows after it are
// skipped. The Action Code Key sheet, when present, fills ActionCodes.
func ReadXLSX(r io.Reader, name string) (*Report, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: not a readable xlsx workbook: %v", name, ErrMalformed, err)
	}
	defer f.Close()
	rep := &Report{Name: name, HasDescriptions: true}
	var changes string
	for _, s := range f.GetSheetList() {
		switch lower := strings.ToLower(strings.TrimSpace(s)); {
		case strings.HasPrefix(lower, changesSheetPrefix) && changes == "":
			changes = s
		case lower == keySheet:
			if rep.ActionCodes, err = readKey(f, name, s); err != nil {
				return nil, err
			}
		}
	}
	if changes == "" {
		return nil, fmt.Errorf("%s: %w: no sheet named \"Changes by HCPC…\" (sheets: %s)", name, ErrMalformed, strings.Join(f.GetSheetList(), ", "))
	}
	rows, err := f.GetRows(changes, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w: %v", name, changes, ErrMalformed, err)
	}
	where := func(row int) string { return fmt.Sprintf("%s: sheet %q row %d", name, changes, row) }
	header := -1
	var col struct{ code, label, short, long int }
	for i, row := range rows {
		if header < 0 {
			if len(row) > 0 && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(row[0])), "HCPC") {
				header = i
				if col.code, col.label, col.short, col.long, err = headerColumns(row); err != nil {
					return nil, fmt.Errorf("%s: %w", where(i+1), err)
				}
			}
			continue
		}
		cell := func(j int) string {
			if j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		e := Entry{Code: cell(col.code), Label: cell(col.label), Short: cell(col.short), Long: cell(col.long), Line: i + 1}
		if !isCode(e.Code) {
			return nil, fmt.Errorf("%s: %w: %q is not a HCPCS code or modifier", where(i+1), ErrMalformed, e.Code)
		}
		if e.Kinds, err = ParseLabel(e.Label); err != nil {
			return nil, fmt.Errorf("%s: code %s: %w", where(i+1), e.Code, err)
		}
		if err := rep.add(e, where); err != nil {
			return nil, err
		}
	}
	if header < 0 {
		return nil, fmt.Errorf("%s: sheet %q: %w: no header row (one whose first cell starts with HCPC) in %d rows", name, changes, ErrMalformed, len(rows))
	}
	return rep, nil
}

// headerColumns finds the four columns of the by-code sheet by their names.
func headerColumns(row []string) (code, label, short, long int, err error) {
	find := func(names ...string) int {
		for j, c := range row {
			for _, n := range names {
				if strings.EqualFold(strings.TrimSpace(c), n) {
					return j
				}
			}
		}
		return -1
	}
	code, label, short, long = find(codeHeaders...), find(labelHeaders...), find("SHORT DESCRIPTION"), find("LONG DESCRIPTION")
	if code < 0 || label < 0 || short < 0 || long < 0 {
		return 0, 0, 0, 0, fmt.Errorf("%w: header %q lacks one of HCPC/MOD, ACTION CD, SHORT DESCRIPTION, LONG DESCRIPTION", ErrMalformed, row)
	}
	return code, label, short, long, nil
}

// readKey reads the Action Code Key: a title row, then rows of a letter and
// its label. Each letter must be an ACTION CD letter whose label means what
// ActionCodeKinds says, so that the key and this package cannot drift.
func readKey(f *excelize.File, name, sheet string) (map[string]string, error) {
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w: %v", name, sheet, ErrMalformed, err)
	}
	key := map[string]string{}
	for i, row := range rows {
		if len(row) < 2 || strings.TrimSpace(row[1]) == "" {
			continue // the title row, blank rows
		}
		letter, label := strings.TrimSpace(row[0]), strings.TrimSpace(row[1])
		want, ok := ActionCodeKinds(letter)
		got, err := ParseLabel(label)
		if !ok || err != nil || !slices.Equal(want, got) {
			return nil, fmt.Errorf("%s: sheet %q row %d: %w: action code %q labelled %q is not one this package knows", name, sheet, i+1, ErrMalformed, letter, label)
		}
		key[letter] = label
	}
	return key, nil
}

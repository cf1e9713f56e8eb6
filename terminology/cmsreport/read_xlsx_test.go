package cmsreport

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// workbook writes a spreadsheet report for a test: sheets in order, each
// a list of rows. The contents are made up for the tests.
func workbook(t testing.TB, sheets []string, rows map[string][][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		if i == 0 {
			require.NoError(t, f.SetSheetName("Sheet1", name))
		} else {
			_, err := f.NewSheet(name)
			require.NoError(t, err)
		}
		for r, row := range rows[name] {
			for c, v := range row {
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				require.NoError(t, err)
				require.NoError(t, f.SetCellStr(name, cell, v))
			}
		}
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}

var fixtureSheets = map[string][][]string{
	"Changes by Action Code": {{"HCPC/MOD", "ACTION CD", "SHORT DESCRIPTION", "LONG DESCRIPTION"}, {"Z0001", "ADD", "x", "y"}},
	"Changes by HCPC code": {
		{"A note on the file"}, {}, {},
		{"HCPC/MOD", "ACTION CD", "SHORT DESCRIPTION", "LONG DESCRIPTION"},
		{"   ZZ", "No Change", "Mod short", "Mod long"},
		{},
		{"Z0001", "Long/Short Description Change", " Short ", "Long, with  two spaces"},
		{"Z0002", "Discontinued", "", ""},
	},
	"Action Code Key": {{"Action Codes"}, {"A", "Add"}, {"B", "Coverage and Long Description Change"}, {"T", "Miscellaneous change (BETOS or Type of Service)"}},
}

func TestReadXLSX(t *testing.T) {
	data := workbook(t, []string{"Changes by Action Code", "Changes by HCPC code", "Action Code Key"}, fixtureSheets)
	rep, err := ReadXLSX(bytes.NewReader(data), "t.xlsx")
	require.NoError(t, err)
	require.Equal(t, []Entry{
		{Code: "ZZ", Label: "No Change", Kinds: []Kind{NoChange}, Short: "Mod short", Long: "Mod long", Line: 5},
		{Code: "Z0001", Label: "Long/Short Description Change", Kinds: []Kind{LongDescription, ShortDescription}, Short: "Short", Long: "Long, with  two spaces", Line: 7},
		{Code: "Z0002", Label: "Discontinued", Kinds: []Kind{Discontinued}, Line: 8},
	}, rep.Entries)
	require.True(t, rep.HasDescriptions)
	require.False(t, rep.LongCut)
	require.Equal(t, map[string]string{"A": "Add", "B": "Coverage and Long Description Change", "T": "Miscellaneous change (BETOS or Type of Service)"}, rep.ActionCodes)
}

func TestReadXLSXErrors(t *testing.T) {
	header := []string{"HCPC/MOD", "ACTION CD", "SHORT DESCRIPTION", "LONG DESCRIPTION"}
	tests := []struct {
		name   string
		sheets []string
		rows   map[string][][]string
		want   string
	}{
		{"no changes sheet", []string{"Data"}, nil,
			`t.xlsx: malformed CMS change report: no sheet named "Changes by HCPC…" (sheets: Data)`},
		{"no header", []string{"Changes by HCPC"}, map[string][][]string{"Changes by HCPC": {{"note"}, {"Z0001", "ADD"}}},
			`t.xlsx: sheet "Changes by HCPC": malformed CMS change report: no header row (one whose first cell starts with HCPC) in 2 rows`},
		{"header lacks a column", []string{"Changes by HCPC"}, map[string][][]string{"Changes by HCPC": {{"HCPC/MOD", "ACTION CD", "SHORT DESCRIPTION"}}},
			`t.xlsx: sheet "Changes by HCPC" row 1: malformed CMS change report: header ["HCPC/MOD" "ACTION CD" "SHORT DESCRIPTION"] lacks one of HCPC/MOD, ACTION CD, SHORT DESCRIPTION, LONG DESCRIPTION`},
		{"bad code", []string{"Changes by HCPC"}, map[string][][]string{"Changes by HCPC": {header, {"Z001", "ADD"}}},
			`t.xlsx: sheet "Changes by HCPC" row 2: malformed CMS change report: "Z001" is not a HCPCS code or modifier`},
		{"unknown label", []string{"Changes by HCPC"}, map[string][][]string{"Changes by HCPC": {header, {"Z0001", "Moved"}}},
			`t.xlsx: sheet "Changes by HCPC" row 2: code Z0001: malformed CMS change report: unknown type of change "Moved"`},
		{"twice", []string{"Changes by HCPC"}, map[string][][]string{"Changes by HCPC": {header, {"Z0001", "ADD"}, {"Z0001", "ADD"}}},
			`t.xlsx: sheet "Changes by HCPC" row 3: malformed CMS change report: code Z0001 is listed twice (also at t.xlsx: sheet "Changes by HCPC" row 2)`},
		{"key disagrees", []string{"Changes by HCPC", "Action Code Key"}, map[string][][]string{"Changes by HCPC": {header}, "Action Code Key": {{"A", "Discontinued"}}},
			`t.xlsx: sheet "Action Code Key" row 1: malformed CMS change report: action code "A" labelled "Discontinued" is not one this package knows`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadXLSX(bytes.NewReader(workbook(t, tt.sheets, tt.rows)), "t.xlsx")
			require.EqualError(t, err, tt.want)
			require.True(t, errors.Is(err, ErrMalformed))
		})
	}
	_, err := ReadXLSX(bytes.NewReader([]byte("not a zip")), "t.xlsx")
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "t.xlsx: malformed CMS change report: not a readable xlsx workbook")
}

package terminology

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// grid is every row of every sheet, as a reader's Next and Columns see it.
type grid map[string][][]string

func readGrid(wb workbook) (grid, error) {
	g := grid{}
	for i, name := range wb.sheetList() {
		rows, err := wb.rows(i)
		if err != nil {
			return nil, err
		}
		var all [][]string
		for rows.Next() {
			cells, err := rows.Columns()
			if err != nil {
				return nil, err
			}
			all = append(all, cells)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		g[name] = all
	}
	return g, nil
}

// bothGrids opens data with excelize and reads it with both readers. lean
// is nil when the lean reader declined.
func bothGrids(t *testing.T, data []byte) (lean, ref grid, refErr error) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipXMLSizeLimit: xlsxInMemoryLimit})
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	ref, refErr = readGrid(excelizeWorkbook{f})
	lw, err := openLeanWorkbook(data)
	if err != nil {
		return nil, ref, refErr
	}
	lean, err = readGrid(lw)
	if lw.declined {
		return nil, ref, refErr
	}
	require.NoError(t, err, "the lean reader failed without declining")
	return lean, ref, refErr
}

// TestLeanXLSXAgreesWithExcelize reads every real spreadsheet, cell by
// cell, with both readers: the lean reader must read each ANWEB file
// itself (not decline it) and see exactly what excelize sees.
func TestLeanXLSXAgreesWithExcelize(t *testing.T) {
	var files []string
	require.NoError(t, filepath.WalkDir(testenv.HCPCSData(t), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.EqualFold(filepath.Ext(p), ".xlsx") {
			files = append(files, p)
		}
		return err
	}))
	anweb := 0
	for _, p := range files {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			lean, ref, err := bothGrids(t, data)
			require.NoError(t, err)
			if isDataName(filepath.Base(p)) {
				anweb++
				require.NotNil(t, lean, "the lean reader declined a CMS file")
			}
			if lean != nil {
				require.Equal(t, ref, lean)
			}
		})
	}
	require.GreaterOrEqual(t, anweb, 8, "ANWEB spreadsheets found")
}

// xlsxWith builds a one-sheet workbook whose sheetData holds rows (raw
// XML) and whose shared strings are items (raw <si> contents).
func xlsxWith(t testing.TB, rows string, items []string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(body))
		require.NoError(t, err)
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="`+officeDocumentRel+`" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+ns+`><sheets><sheet name="Invented" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	add("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet `+ns+`><dimension ref="A1"/><sheetData>`+rows+`</sheetData></worksheet>`)
	add("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst `+ns+`><si>`+strings.Join(items, `</si><si>`)+`</si></sst>`)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

var leanItems = []string{`<t>HCPC</t>`, `<t xml:space="preserve">   A1</t>`, `<t>Invented &amp; &#233;&#x20AC; widget</t>`, `<t/>`, `<t>two
lines</t>`}

// TestLeanXLSXSubset: what the lean reader reads itself, and what it
// leaves to excelize; both ways the cells are excelize's.
func TestLeanXLSXSubset(t *testing.T) {
	cases := []struct {
		name     string
		rows     string
		items    []string
		declined bool
	}{
		{"shared, numbers, gaps", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="3"><v>7</v></c></row><row r="4"><c r="B4" t="s"><v>2</v></c><c r="D4" t="str"><v>x&lt;y</v></c></row>`, leanItems, false},
		{"empty rows and cells", `<row r="2" spans="1:3"/><row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"/><c r="C3" t="s"><v>1</v></c></row>`, leanItems, false},
		{"cells without references", `<row r="1"><c t="s"><v>0</v></c><c><v>5</v></c><c r="E1"><v>6</v></c><c><v>7</v></c></row>`, leanItems, false},
		{"line ends", "<row r=\"1\"><c t=\"str\"><v>a\r\nb\rc</v></c></row>", leanItems, false},
		{"whitespace between", "<row r=\"1\">\n  <c r=\"A1\">\n<v>1</v>\n</c>\n</row>\n", leanItems, false},
		{"formula", `<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>`, leanItems, true},
		{"inline string", `<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>`, leanItems, true},
		{"boolean", `<row r="1"><c r="A1" t="b"><v>1</v></c></row>`, leanItems, true},
		{"rich text", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, []string{`<r><t>a</t></r><r><t>b</t></r>`}, true},
		{"escape", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, []string{`<t>a_x000D_b</t>`}, true},
		{"rows out of order", `<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`, leanItems, true},
		{"row without number", `<row><c r="A1"><v>1</v></c></row>`, leanItems, true},
		{"comment", `<row r="1"><!-- x --><c r="A1"><v>1</v></c></row>`, leanItems, true},
		{"prefixed", `<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>`, leanItems, true},
		{"bad index", `<row r="1"><c r="A1" t="s"><v>99</v></c></row>`, leanItems, true},
		{"lower-case reference", `<row r="1"><c r="a1"><v>1</v></c></row>`, leanItems, true},
		{"unknown entity", `<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>`, leanItems, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lean, ref, err := bothGrids(t, xlsxWith(t, c.rows, c.items))
			require.Equal(t, c.declined, lean == nil, "declined")
			if lean != nil {
				require.NoError(t, err)
				require.Equal(t, ref, lean)
			}
		})
	}
}

// FuzzLeanXLSXAgreesWithExcelize: for any sheet and shared strings, the
// lean reader declines or reads exactly excelize's cells.
func FuzzLeanXLSXAgreesWithExcelize(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="3"><v>7</v></c></row><row r="4"><c r="B4" t="s"><v>2</v></c></row>`, `<t>HCPC</t>`, `<t xml:space="preserve"> a&amp;b </t>`)
	f.Add("<row r=\"2\"/><row r=\"3\"><c t=\"str\"><v>a\r\nb&#10;</v></c><c><v>1.5E3</v></c></row>", `<t/>`, `<t>x</t>`)
	f.Add(`<row r="1"><c r="XFD1"><v>1</v></c><c r="A1"><v>2</v></c></row>`, `<t>&#xD;</t>`, `<r><t>a</t></r>`)
	f.Add(`<row r="1" spans="1:2"><c r='B1' t='s'><v> 1</v></c></row>`, `<t>é</t>`, `<t>_x0041_</t>`)
	f.Fuzz(func(t *testing.T, rows, item0, item1 string) {
		data := xlsxWith(t, rows, []string{item0, item1})
		lean, ref, err := bothGrids(t, data)
		if lean == nil {
			return
		}
		if err != nil {
			t.Fatalf("lean read %v, excelize failed: %v", lean, err)
		}
		if !gridsEqual(lean, ref) {
			t.Fatalf("lean %q\nexcelize %q", lean, ref)
		}
	})
}

func gridsEqual(a, b grid) bool {
	if len(a) != len(b) {
		return false
	}
	for k, ra := range a {
		rb, ok := b[k]
		if !ok || len(ra) != len(rb) {
			return false
		}
		for i := range ra {
			if len(ra[i]) != len(rb[i]) {
				return false
			}
			for j := range ra[i] {
				if ra[i][j] != rb[i][j] {
					return false
				}
			}
		}
	}
	return true
}

package terminology

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// These tests read the real CMS files in place (testenv.HCPCSData); files
// built from them at test time live in t.TempDir() only.

var allReleases struct {
	sync.Mutex
	dir string
	rs  []*Release
}

// loadAll loads the whole shared data directory once per test binary.
func loadAll(t testing.TB) []*Release {
	t.Helper()
	dir := testenv.HCPCSData(t)
	allReleases.Lock()
	defer allReleases.Unlock()
	if allReleases.dir != dir {
		rs, err := LoadSources([]string{dir}, LoadOptions{})
		require.NoError(t, err)
		allReleases.dir, allReleases.rs = dir, rs
	}
	return allReleases.rs
}

var fileReleases struct {
	sync.Mutex
	byPath map[string]*Release
}

// readFile reads one real release file with ReadReleaseFile, once per test
// binary: spreadsheets are slow to parse under -race.
func readFile(t *testing.T, path string) *Release {
	t.Helper()
	fileReleases.Lock()
	defer fileReleases.Unlock()
	if r, ok := fileReleases.byPath[path]; ok {
		return r
	}
	r, err := ReadReleaseFile(path, "")
	require.NoError(t, err)
	if fileReleases.byPath == nil {
		fileReleases.byPath = map[string]*Release{}
	}
	fileReleases.byPath[path] = r
	return r
}

func release(t *testing.T, version string) *Release {
	t.Helper()
	for _, r := range loadAll(t) {
		if r.Version == version {
			return r
		}
	}
	t.Fatalf("release %s not loaded", version)
	return nil
}

func TestLoadAllCounts(t *testing.T) {
	// SOURCES.md §3.
	want := []struct {
		version string
		counts  Counts
		data    string // data file read, relative to the data directory
		notes   int    // processing notes
	}{
		{"2017-01", Counts{6498, 6155, 5629, 526, 343, 4}, "2017-01_annual/HCPC17_CONTR_ANWEB.txt", 211},
		{"2018-01", Counts{6559, 6205, 5745, 460, 354, 6}, "2018-01_annual/HCPC2018_CONTR_ANWEB_disc.txt", 216},
		{"2019-01", Counts{6800, 6440, 5934, 506, 360, 9}, "2019-01_annual/HCPC2019_CONTR_ANWEB.txt", 218},
		{"2020-01", Counts{7079, 6710, 6105, 605, 369, 10}, "2020-01_annual/HCPC2020_ANWEB_w_disclaimer.txt", 220},
		{"2020-04", Counts{7097, 6728, 6122, 606, 369, 10}, "2020-04_quarterly/anweb.xlsx", 0},
		{"2020-07", Counts{7158, 6789, 6174, 615, 369, 10}, "2020-07_quarterly/anweb.xlsx", 0},
		{"2020-10", Counts{7196, 6825, 6206, 619, 371, 10}, "2020-10_quarterly/anweb.xlsx", 0},
		{"2023-01", Counts{7785, 7404, 6469, 935, 381, 10}, "2023-01_quarterly/HCPC2023_JAN_ANWEB_v3.xlsx", 0},
		{"2025-10", Counts{8846, 8463, 7258, 1205, 383, 20}, "2025-10_quarterly/HCPC2025_OCT_ANWEB.xlsx", 0},
	}
	dir := testenv.HCPCSData(t)
	rs := loadAll(t)
	require.Len(t, rs, len(want))
	for i, w := range want {
		r := rs[i]
		require.Equal(t, w.version, r.Version)
		require.Equal(t, w.counts, r.Counts(), w.version)
		require.Equal(t, filepath.Join(dir, w.data), r.Sources[0], w.version)
		require.Len(t, r.ProcessingNotes, w.notes, w.version)
		if w.notes > 0 {
			require.Equal(t, []string{filepath.Join(dir, w.data), filepath.Join(filepath.Dir(filepath.Join(dir, w.data)), "proc_notes_"+w.version[:4]+".txt")}, r.Sources)
		} else {
			require.Len(t, r.Sources, 1)
		}
		for _, c := range r.Concepts {
			require.NotEmpty(t, c.Code)
			require.NotZero(t, c.Kind)
		}
	}
}

func TestS9327InEveryRelease(t *testing.T) {
	// SOURCES.md §4: identical in all nine releases.
	want := &Concept{
		Code: "S9327",
		Kind: Procedure,
		LongDescription: "Home infusion therapy, intermittent (less than twenty-four hours) pain management infusion; " +
			"administrative services, professional pharmacy services, care coordination, and all necessary supplies and " +
			"equipment (drugs and nursing visits coded separately), per diem",
		ShortDescription:         "Hit int pain per diem",
		PricingIndicators:        []string{"00"},
		MultiplePricingIndicator: "9",
		CoverageIssuesManual:     nil,
		MedicareCarriersManual:   nil,
		Statute:                  "",
		LabCertifications:        nil,
		CrossReferences:          nil,
		Coverage:                 "I",
		ASCPaymentGroup:          "",
		OPPSPaymentGroup:         "",
		OPPSPaymentIndicator:     "",
		ProcessingNote:           "0088",
		BETOS:                    "Z2",
		TypesOfService:           []string{"9"},
		AnesthesiaBaseUnits:      intp(0),
		AddedDate:                date(2002, 1, 1),
		ActionEffectiveDate:      date(2002, 1, 1),
		ActionCode:               "N",
	}
	rs := loadAll(t)
	require.Len(t, rs, 9)
	for _, r := range rs {
		got, ok := r.Concept("S9327")
		require.True(t, ok, r.Version)
		require.Equal(t, want, got, r.Version)
		require.True(t, got.ASCEffectiveDate.IsZero() && got.OPPSEffectiveDate.IsZero() && got.TerminationDate.IsZero())
		if len(r.ProcessingNotes) > 0 {
			require.Equal(t, `"S" CODES ARE UNIQUE TEMPORARY CODES ESTABLISHED BY BCBSA AND HIAA FOR PRIVATE PAYOR USE. THEY ARE NOT VALID NOR PAYABLE BY MEDICARE.`,
				r.ProcessingNotes["0088"], r.Version)
		}
	}
}

func TestASCShift2018(t *testing.T) {
	// The five C-codes whose ASC date CMS wrote one field early in 2018, in
	// both the .txt and the .xlsx; see normalizeASC.
	want := map[string]string{"C9488": "20170401", "C9745": "20170701", "C9746": "20170701", "C9747": "20170701", "C9748": "20180101"}
	dir := testenv.Release(t, "2018-01_annual")
	for _, f := range []string{"HCPC2018_CONTR_ANWEB_disc.txt", "HCPC2018_CONTR_ANWEB_disc.xlsx"} {
		r := readFile(t, filepath.Join(dir, f))
		for code, d := range want {
			c, ok := r.Concept(code)
			require.True(t, ok)
			require.Equal(t, "", c.ASCPaymentGroup, "%s %s", f, code)
			require.Equal(t, d, c.ASCEffectiveDate.Format("20060102"), "%s %s", f, code)
		}
	}
	// The next year has the group and the same dates.
	r19 := release(t, "2019-01")
	for code, d := range want {
		c, _ := r19.Concept(code)
		if code == "C9748" {
			require.Equal(t, "", c.ASCPaymentGroup)
			require.True(t, c.ASCEffectiveDate.IsZero())
			continue
		}
		require.Equal(t, "YY", c.ASCPaymentGroup, code)
		require.Equal(t, d, c.ASCEffectiveDate.Format("20060102"), code)
	}
}

func TestProcessingNotesMatchLookup(t *testing.T) {
	// lookups/processing_note.tsv was derived independently from
	// proc_notes_2020.txt (SOURCES.md §6); the reader must agree with it.
	f, err := os.Open(filepath.Join(testenv.HCPCSData(t), "lookups", "processing_note.tsv"))
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	notes := release(t, "2020-01").ProcessingNotes
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	require.Equal(t, "code\ttext\tsource", lines[0])
	require.Len(t, notes, len(lines)-1)
	for _, l := range lines[1:] {
		cells := strings.Split(l, "\t")
		require.Len(t, cells, 3)
		text := cells[1]
		if strings.HasPrefix(text, `"`) { // CSV-style quoting in the tsv
			text = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
		}
		require.Equal(t, text, notes[cells[0]], cells[0])
	}
}

// columns flattens a concept into its ANWEB columns as strings, so that two
// readings can be compared column by column.
func columns(c *Concept) map[string]string {
	m := map[string]string{
		"HCPC": c.Code, "RECID": c.Kind.String(), "LONG DESCRIPTION": c.LongDescription, "SHORT DESCRIPTION": c.ShortDescription,
		"MULT_PI": c.MultiplePricingIndicator, "STATUTE": c.Statute, "COV": c.Coverage, "ASC_GRP": c.ASCPaymentGroup,
		"OPPS": c.OPPSPaymentGroup, "OPPS_PI": c.OPPSPaymentIndicator, "PROCNOTE": c.ProcessingNote, "BETOS": c.BETOS,
		"ACTION CD": c.ActionCode,
	}
	dates := map[string]time.Time{
		"ASC_DT": c.ASCEffectiveDate, "OPPS_DT": c.OPPSEffectiveDate, "ADD DT": c.AddedDate,
		"ACT EFF DT": c.ActionEffectiveDate, "TERM DT": c.TerminationDate,
	}
	for name, d := range dates {
		m[name] = ""
		if !d.IsZero() {
			m[name] = d.Format("20060102")
		}
	}
	rep := func(prefix string, n int, vals []string) {
		for i := range n {
			v := ""
			if i < len(vals) {
				v = vals[i]
			}
			m[prefix+strconv.Itoa(i+1)] = v
		}
	}
	rep("PRICE", 4, c.PricingIndicators)
	rep("CIM", 3, c.CoverageIssuesManual)
	rep("MCM", 3, c.MedicareCarriersManual)
	rep("LABCERT", 8, c.LabCertifications)
	rep("XREF", 5, c.CrossReferences)
	rep("TOS", 5, c.TypesOfService)
	m["ANEST_BU"] = ""
	if c.AnesthesiaBaseUnits != nil {
		m["ANEST_BU"] = strconv.Itoa(*c.AnesthesiaBaseUnits)
	}
	return m
}

func TestColumnsCoversConcept(t *testing.T) {
	// columns must name all 48 ANWEB columns except SEQNUM; if Concept
	// grows a field, update columns.
	require.Equal(t, 25, reflect.TypeOf(Concept{}).NumField())
	m := columns(&Concept{})
	require.Len(t, m, numColumns-1)
	for c := range numColumns {
		if column(c) != colSEQNUM {
			require.Contains(t, m, layout[c].name)
		}
	}
}

type cellDiff struct{ code, column, a, b string }

// diffReleases compares two readings of one release code by code and column.
func diffReleases(t *testing.T, a, b *Release) []cellDiff {
	t.Helper()
	codes := func(r *Release) []string {
		var out []string
		for _, c := range r.Concepts {
			out = append(out, c.Code)
		}
		return out
	}
	require.Equal(t, codes(a), codes(b), "same codes in the same order")
	var diffs []cellDiff
	for i, ca := range a.Concepts {
		ma, mb := columns(ca), columns(b.Concepts[i])
		for col, va := range ma {
			if vb := mb[col]; va != vb {
				diffs = append(diffs, cellDiff{ca.Code, col, va, vb})
			}
		}
	}
	sort.Slice(diffs, func(i, j int) bool {
		if diffs[i].code != diffs[j].code {
			return diffs[i].code < diffs[j].code
		}
		return diffs[i].column < diffs[j].column
	})
	return diffs
}

// The differences between CMS's .txt and .xlsx of the same release, found
// by diffReleases and listed here one by one. Nothing else may differ.
var (
	// LONG DESCRIPTION cells that differ only in runs of spaces. The .txt
	// splits the text into 80-character chunks that the reader trims and
	// joins with one space, losing a double space at a chunk boundary; and
	// the two files disagree on some double spaces inside the text (2018:
	// the .txt has them, the .xlsx not; 2017 and 2019: the other way).
	txtXLSXSpaces = map[string][]string{
		"2017-01": {"G0417", "G0418", "G0419", "G0501", "G0502", "G0503", "G9482", "G9486", "G9488", "G9489", "G9627", "G9678"},
		"2018-01": {"A4221", "C9738", "G0490", "G0492", "G0502", "G0503", "G0504", "G8126", "G9481", "G9482", "G9483", "G9484",
			"G9485", "G9486", "G9487", "G9488", "G9489", "G9490", "G9667", "G9678", "G9703", "G9712", "G9776", "G9909", "G9911",
			"G9916", "G9943", "G9944", "J0150", "K2", "K3", "L3760", "L5668", "S3620", "TC"},
		"2019-01": {"C9754", "G0417", "G0418", "G0419", "G0501", "G0502", "G0503", "G9482", "G9486", "G9488", "G9627", "G9678", "G9986"},
	}
	// Cells whose values differ: release, code, column, .txt value, .xlsx value.
	txtXLSXCells = []struct{ release, code, column, txt, xlsx string }{
		{"2017-01", "L5638", "ACT EFF DT", "19960101", "19860101"},
		{"2017-01", "L5640", "ACT EFF DT", "19960101", "19860101"},
		{"2017-01", "L5643", "ACT EFF DT", "19860101", "19880101"},
		{"2019-01", "E0210", "TOS4", "", "R"}, // 2017 and 2018 have R in both files
		{"2019-01", "E0776", "TOS4", "", "R"},
	}
	// 2019: ACT EFF DT is blank in the .xlsx for these 115 codes. (SOURCES.md
	// counts 116 blank cells: the .xlsx also leaves it blank for A5513,
	// where the .txt is blank too, so that one is no difference.)
	txtXLSXBlankActEff2019 = []string{
		"A0130", "A0180", "A0190", "A0200", "A0210", "A4580", "A4590", "A4635", "A4640", "C1883", "E0500", "E0565", "G0118",
		"L0810", "L0820", "L0830", "L1080", "L1310", "L2250", "L2260", "L2270", "L2280", "L2300", "L2310", "L2335", "L2340",
		"L2350", "L2360", "L2375", "L2380", "L2385", "L2390", "L2395", "L2520", "L2530", "L2540", "L2550", "L5632", "L5636",
		"L5638", "L5640", "L5642", "L5643", "L5644", "L5647", "L5649", "L5651", "L5652", "L5653", "L5654", "L5655", "L5656",
		"L5658", "L5670", "L5672", "L5680", "L5682", "L5684", "L5686", "L5688", "L5690", "L5692", "L5694", "L5696", "L5697",
		"L5698", "L5710", "L5712", "L5714", "L5716", "L5718", "L5722", "L5724", "L5726", "L5728", "L5780", "L5850", "L5910",
		"L5940", "L5950", "L5960", "L6615", "L6623", "L6625", "L6628", "L6629", "L6630", "L6632", "L6635", "L6637", "L6641",
		"L6642", "L6645", "L6650", "L6655", "L6660", "L6665", "L6670", "L6672", "L6680", "L6682", "L6684", "L6686", "L6689",
		"L6690", "L6691", "V2102", "V2109", "V2209", "V2210", "V2219", "V2303", "V2314", "V2502", "V2522",
	}
)

func TestTxtAgreesWithXLSX(t *testing.T) {
	files := []struct{ version, txt, xlsx string }{
		{"2017-01", "2017-01_annual/HCPC17_CONTR_ANWEB.txt", "2017-01_annual/HCPC17_CONTR_ANWEB.xlsx"},
		{"2018-01", "2018-01_annual/HCPC2018_CONTR_ANWEB_disc.txt", "2018-01_annual/HCPC2018_CONTR_ANWEB_disc.xlsx"},
		{"2019-01", "2019-01_annual/HCPC2019_CONTR_ANWEB.txt", "2019-01_annual/HCPC2019_CONTR_ANWEB.xlsx"},
	}
	dir := testenv.HCPCSData(t)
	for _, f := range files {
		t.Run(f.version, func(t *testing.T) {
			txt := readFile(t, filepath.Join(dir, f.txt))
			xlsx := readFile(t, filepath.Join(dir, f.xlsx))
			require.Equal(t, f.version, txt.Version)
			require.Equal(t, f.version, xlsx.Version)
			require.Equal(t, txt.ProcessingNotes, xlsx.ProcessingNotes)

			var want []cellDiff
			for _, code := range txtXLSXSpaces[f.version] {
				a, _ := txt.Concept(code)
				b, _ := xlsx.Concept(code)
				require.Equal(t, strings.Join(strings.Fields(a.LongDescription), " "), strings.Join(strings.Fields(b.LongDescription), " "), code)
				want = append(want, cellDiff{code, "LONG DESCRIPTION", a.LongDescription, b.LongDescription})
			}
			for _, c := range txtXLSXCells {
				if c.release == f.version {
					want = append(want, cellDiff{c.code, c.column, c.txt, c.xlsx})
				}
			}
			if f.version == "2019-01" {
				for _, code := range txtXLSXBlankActEff2019 {
					a, _ := txt.Concept(code)
					want = append(want, cellDiff{code, "ACT EFF DT", a.ActionEffectiveDate.Format("20060102"), ""})
				}
			}
			sort.Slice(want, func(i, j int) bool {
				if want[i].code != want[j].code {
					return want[i].code < want[j].code
				}
				return want[i].column < want[j].column
			})
			require.Equal(t, want, diffReleases(t, txt, xlsx))
		})
	}
}

func TestCSVAgreesWithXLSX2023(t *testing.T) {
	dir := testenv.Release(t, "2023-01_quarterly")
	csv := readFile(t, filepath.Join(dir, "HCPC2023_JAN_ANWEB_v3.csv"))
	xlsx := release(t, "2023-01") // the folder load reads the .xlsx
	require.Equal(t, []string{filepath.Join(dir, "HCPC2023_JAN_ANWEB_v3.xlsx")}, xlsx.Sources)
	require.Equal(t, "2023-01", csv.Version)
	require.Empty(t, diffReleases(t, csv, xlsx))
	require.Equal(t, xlsx.Concepts, csv.Concepts)
}

// zipFiles writes a ZIP at dst holding the given files under the given
// member names.
func zipFiles(t *testing.T, dst string, members map[string]string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	out, err := os.Create(dst)
	require.NoError(t, err)
	zw := zip.NewWriter(out)
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		w, err := zw.Create(name)
		require.NoError(t, err)
		in, err := os.Open(members[name])
		require.NoError(t, err)
		_, err = io.Copy(w, in)
		in.Close()
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, out.Close())
}

// cmsLikeZip2019 builds a CMS-like release ZIP from the real 2019 files.
func cmsLikeZip2019(t *testing.T, dir string) string {
	t.Helper()
	src := testenv.Release(t, "2019-01_annual")
	p := filepath.Join(dir, "2019-alpha-numeric-hcpcs-file.zip")
	zipFiles(t, p, map[string]string{
		"HCPC2019/HCPC2019_CONTR_ANWEB.txt":  filepath.Join(src, "HCPC2019_CONTR_ANWEB.txt"),
		"HCPC2019/HCPC2019_CONTR_ANWEB.xlsx": filepath.Join(src, "HCPC2019_CONTR_ANWEB.xlsx"),
		"HCPC2019/proc_notes_2019.txt":       filepath.Join(src, "proc_notes_2019.txt"),
		"HCPC2019/HCPC2019_README.txt":       filepath.Join(src, "HCPC2019_README.txt"),
	})
	return p
}

func TestLoadZip(t *testing.T) {
	p := cmsLikeZip2019(t, t.TempDir())
	rs, err := LoadSources([]string{p}, LoadOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	got, want := rs[0], release(t, "2019-01")
	require.Equal(t, "2019-01", got.Version)
	require.Equal(t, []string{p + "!HCPC2019/HCPC2019_CONTR_ANWEB.txt", p + "!HCPC2019/proc_notes_2019.txt"}, got.Sources)
	require.Equal(t, want.Concepts, got.Concepts)
	require.Equal(t, want.ProcessingNotes, got.ProcessingNotes)
	require.Equal(t, `"S" CODES ARE UNIQUE TEMPORARY CODES ESTABLISHED BY BCBSA AND HIAA FOR PRIVATE PAYOR USE. THEY ARE NOT VALID NOR PAYABLE BY MEDICARE.`,
		got.ProcessingNotes["0088"])

	// The version can also come from the member when the archive's name is not CMS's.
	renamed := filepath.Join(t.TempDir(), "download.zip")
	require.NoError(t, os.Rename(p, renamed))
	r, err := ReadReleaseFile(renamed, "")
	require.NoError(t, err)
	require.Equal(t, "2019-01", r.Version)

	// An archive whose name and member disagree is refused.
	wrong := filepath.Join(t.TempDir(), "october-2025-alpha-numeric-hcpcs-file.zip")
	require.NoError(t, os.Rename(renamed, wrong))
	_, err = LoadSources([]string{wrong}, LoadOptions{})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "says version 2025-10 but its member HCPC2019/HCPC2019_CONTR_ANWEB.txt says 2019-01")
	rs, err = LoadSources([]string{wrong}, LoadOptions{Version: "2019-01"}) // unless the version is given
	require.NoError(t, err)
	require.Equal(t, "2019-01", rs[0].Version)
}

func TestLoadZipPrefersXLSXOverCSV(t *testing.T) {
	// Invented files: the .xlsx and the .csv of one release disagree, so
	// the result shows which was read.
	tmp := t.TempDir()
	xlsx := filepath.Join(tmp, "a.xlsx")
	inventedXLSX(t, xlsx, inventedProcedure("Z9901", "0010"))
	csv := filepath.Join(tmp, "b.csv")
	writeFile(t, csv, []byte(csvHeader()+"\n"+csvRow(inventedProcedure("Z9902", "0010"))+"\n"))
	readme := filepath.Join(tmp, "readme.txt")
	writeFile(t, readme, []byte("Invented read-me.\n"))

	p := filepath.Join(tmp, "april-2099-alpha-numeric-hcpcs-file.zip")
	zipFiles(t, p, map[string]string{
		"x/HCPC2099_APR_ANWEB.csv":  csv,
		"x/HCPC2099_APR_ANWEB.xlsx": xlsx,
		"x/README.txt":              readme,
	})
	r, err := ReadReleaseFile(p, "")
	require.NoError(t, err)
	require.Equal(t, "2099-04", r.Version)
	require.Equal(t, []string{p + "!x/HCPC2099_APR_ANWEB.xlsx"}, r.Sources)
	require.Empty(t, r.ProcessingNotes)
	require.Len(t, r.Concepts, 1)
	require.Equal(t, "Z9901", r.Concepts[0].Code)

	// Without the .xlsx, the .csv is read.
	p2 := filepath.Join(tmp, "HCPC2099_APR.zip")
	zipFiles(t, p2, map[string]string{"HCPC2099_APR_ANWEB.csv": csv})
	r, err = ReadReleaseFile(p2, "")
	require.NoError(t, err)
	require.Equal(t, "2099-04", r.Version)
	require.Equal(t, "Z9902", r.Concepts[0].Code)

	// Two data files of one kind are ambiguous.
	p3 := filepath.Join(tmp, "HCPC2099_MAY.zip")
	zipFiles(t, p3, map[string]string{"HCPC2099_MAY_ANWEB.csv": csv, "old/HCPC2099_MAY_ANWEB.csv": csv})
	_, err = ReadReleaseFile(p3, "")
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "two .csv ANWEB files")

	// A ZIP without an ANWEB file is no release.
	p4 := filepath.Join(tmp, "HCPC2099_JUN.zip")
	zipFiles(t, p4, map[string]string{"README.txt": readme})
	_, err = ReadReleaseFile(p4, "")
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, p4+": ZIP archive has no ANWEB data file")
}

// link makes dst a symbolic link to a real data file, so that a test folder
// can hold real files without copying them.
func link(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, os.Symlink(src, dst))
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
}

// xlsxWithoutHeader writes a workbook with invented rows and no HCPC header.
func xlsxWithoutHeader(t *testing.T, p string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Invented disclaimer"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A3", &[]any{"Z9901", "0010", "3", "Invented widget"}))
	require.NoError(t, f.SaveAs(p))
}

// xlsxWithBadRow writes a workbook with a disclaimer, the header and an
// invented row whose ADD DT is not a date, at row 4.
func xlsxWithBadRow(t *testing.T, p string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_, err := f.NewSheet("Data")
	require.NoError(t, err)
	header := make([]any, numColumns)
	bad := make([]any, numColumns)
	good := make([]any, numColumns)
	vals := inventedProcedure("Z9901", "0010")
	for c := range numColumns {
		header[c] = layout[c].name
		good[c] = vals[layout[c].name]
		bad[c] = good[c]
	}
	bad[colHCPC] = "Z9902"
	bad[colAddDate] = "2021011"
	require.NoError(t, f.SetSheetRow("Data", "A1", &[]any{"Invented disclaimer"}))
	require.NoError(t, f.SetSheetRow("Data", "A2", &header))
	require.NoError(t, f.SetSheetRow("Data", "A3", &good))
	require.NoError(t, f.SetSheetRow("Data", "A4", &bad))
	require.NoError(t, f.SaveAs(p))
}

// inventedXLSX writes a workbook with the ANWEB header in row 1 and one
// row per record given, then any extra rows.
func inventedXLSX(t *testing.T, p string, records ...map[string]string) {
	t.Helper()
	inventedXLSXRows(t, p, records, nil)
}

func inventedXLSXRows(t *testing.T, p string, records []map[string]string, extra [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := make([]any, numColumns)
	for c := range numColumns {
		header[c] = layout[c].name
	}
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &header))
	rows := extra[:0:0]
	for _, rec := range records {
		row := make([]any, numColumns)
		for c := range numColumns {
			row[c] = rec[layout[c].name]
		}
		rows = append(rows, row)
	}
	rows = append(rows, extra...)
	for i, row := range rows {
		require.NoError(t, f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &row))
	}
	require.NoError(t, f.SaveAs(p))
}

func TestReadXLSXInvented(t *testing.T) {
	p := filepath.Join(t.TempDir(), "HCPC2099_JAN_ANWEB.xlsx")
	inventedXLSXRows(t, p, []map[string]string{inventedProcedure("Z9901", "0010")},
		[][]any{{"Z9901", "0020", "4", "an extra tail"}, {}, {"Z9901", "0030", "4", "extra"}})

	r, err := ReadReleaseFile(p, "")
	require.NoError(t, err)
	require.Equal(t, "2099-01", r.Version)
	c, _ := r.Concept("Z9901")
	require.Equal(t, "Invented widget for testing the reader, first part an extra tail", c.LongDescription)
	require.Equal(t, intp(7), c.AnesthesiaBaseUnits)
	require.Equal(t, []string{"00", "", "46"}, c.PricingIndicators)
}

func TestBadSourcesFailLoudly(t *testing.T) {
	tmp := t.TempDir()

	// A truncated ZIP and a ZIP with a corrupt member, built from real files.
	full := cmsLikeZip2019(t, filepath.Join(tmp, "full"))
	data, err := os.ReadFile(full)
	require.NoError(t, err)
	truncated := filepath.Join(tmp, "truncated", "2019-alpha-numeric-hcpcs-file.zip")
	writeFile(t, truncated, data[:len(data)/2])
	corrupt := filepath.Join(tmp, "corrupt", "2019-alpha-numeric-hcpcs-file.zip")
	damaged := slices.Clone(data)
	for i := 2000; i < 2100; i++ { // inside the first member's compressed data
		damaged[i] ^= 0x55
	}
	writeFile(t, corrupt, damaged)

	noHeader := filepath.Join(tmp, "noheader", "HCPC2021_JAN_ANWEB.xlsx")
	require.NoError(t, os.MkdirAll(filepath.Dir(noHeader), 0o755))
	xlsxWithoutHeader(t, noHeader)
	badRow := filepath.Join(tmp, "badrow", "HCPC2021_JAN_ANWEB.xlsx")
	require.NoError(t, os.MkdirAll(filepath.Dir(badRow), 0o755))
	xlsxWithBadRow(t, badRow)

	brokenTxt := filepath.Join(tmp, "brokentxt", "HCPC2021_JAN_ANWEB.txt")
	writeFile(t, brokenTxt, []byte(inventedFile()+fixedRecord(with(inventedProcedure("Z9909", "00100"), "TERM DT", "20211399"))+"\r\n"))

	pdf := filepath.Join(tmp, "pdf", "HCPC2021_JAN_ANWEB.pdf")
	writeFile(t, pdf, []byte("%PDF-1.7\ninvented\n"))
	random := filepath.Join(tmp, "random", "HCPC2021_JAN_ANWEB.txt")
	writeFile(t, random, []byte{0x00, 0x13, 0x37, 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06})
	readme := filepath.Join(tmp, "readme", "HCPC2021_JAN_ANWEB.txt")
	writeFile(t, readme, []byte("This invented file has no records.\r\nNone at all.\r\n"))
	biff := filepath.Join(tmp, "biff", "HCPC2021_JAN_ANWEB.xls")
	writeFile(t, biff, append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 504)...))
	xlsAlone := filepath.Join(tmp, "2020-01", "HCPC2020_ANWEB_w_disclaimer.xls")
	link(t, filepath.Join(testenv.Release(t, "2020-01_annual"), "HCPC2020_ANWEB_w_disclaimer.xls"), xlsAlone)
	empty := filepath.Join(tmp, "empty", "HCPC2021_JAN_ANWEB.csv")
	writeFile(t, empty, nil)

	// A folder with one good release (the real 2019 .txt) and one bad file.
	mixed := filepath.Join(tmp, "mixed")
	link(t, filepath.Join(testenv.Release(t, "2019-01_annual"), "HCPC2019_CONTR_ANWEB.txt"), filepath.Join(mixed, "2019", "HCPC2019_CONTR_ANWEB.txt"))
	writeFile(t, filepath.Join(mixed, "2021", "HCPC2021_JAN_ANWEB.txt"), []byte(strings.Replace(inventedFile(), "20210401", "20210431", 1)))

	tests := []struct {
		name        string
		path        string
		msgs        []string
		unsupported bool
	}{
		{"truncated zip", truncated, []string{truncated + ": ", "ZIP archive but cannot be read"}, false},
		{"corrupt zip member", corrupt, []string{corrupt + "!HCPC2019/", "cannot read ZIP member"}, false},
		{"xlsx without header", noHeader, []string{noHeader + ": ", "no header row", "Sheet1"}, false},
		{"xlsx with bad row", badRow, []string{badRow + `: sheet "Data", row 4, column ADD DT: "2021011" is not a date`}, false},
		{"txt with broken record", brokenTxt, []string{brokenTxt + ": line 8, column TERM DT"}, false},
		{"pdf", pdf, []string{pdf + ": ", "is a PDF document", "supported are"}, true},
		{"random bytes", random, []string{random + ": ", "binary data of an unknown format", "supported are"}, true},
		{"text without records", readme, []string{readme + ": ", "neither ANWEB fixed-width records nor an ANWEB CSV header"}, true},
		{"invented BIFF8", biff, []string{biff + ": ", ".xls, BIFF8", "not supported"}, true},
		{"real .xls alone in a folder", filepath.Dir(xlsAlone), []string{xlsAlone + ": ", ".xls, BIFF8", "not supported"}, true},
		{"empty csv", empty, []string{empty + ": ", "is empty"}, true},
		{"folder with a good and a bad release", mixed, []string{filepath.Join(mixed, "2021", "HCPC2021_JAN_ANWEB.txt") + ": line 3, column ACT EFF DT"}, false},
		{"folder without releases", filepath.Join(tmp, "pdf"), []string{"no HCPCS release files", filepath.Join(tmp, "pdf")}, false},
		{"missing path", filepath.Join(tmp, "nope"), []string{filepath.Join(tmp, "nope")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := LoadSources([]string{tt.path}, LoadOptions{})
			require.Nil(t, rs)
			require.ErrorIs(t, err, ErrInvalid)
			for _, m := range tt.msgs {
				require.ErrorContains(t, err, m)
			}
			if tt.unsupported {
				require.ErrorIs(t, err, ErrNotSupported)
			}
			// All or nothing: a good source beside a bad one yields nothing either.
			rs, err = LoadSources([]string{testenv.Release(t, "2017-01_annual"), tt.path}, LoadOptions{})
			require.Nil(t, rs)
			require.Error(t, err)
		})
	}
}

func TestLoadVersionRules(t *testing.T) {
	tmp := t.TempDir()
	xlsx2004 := filepath.Join(testenv.Release(t, "2020-04_quarterly"), "anweb.xlsx")
	txt2019 := filepath.Join(testenv.Release(t, "2019-01_annual"), "HCPC2019_CONTR_ANWEB.txt")

	// No version in the name or folders: an error, unless given.
	nameless := filepath.Join(tmp, "nameless", "anweb.txt")
	link(t, filepath.Join(testenv.Release(t, "2017-01_annual"), "HCPC17_CONTR_ANWEB.txt"), nameless)
	_, err := LoadSources([]string{nameless}, LoadOptions{})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, nameless+": cannot tell the release version")
	rs, err := LoadSources([]string{filepath.Dir(nameless)}, LoadOptions{Version: "2017-04"})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	require.Equal(t, "2017-04", rs[0].Version)
	require.Equal(t, release(t, "2017-01").Concepts, rs[0].Concepts)
	require.Empty(t, rs[0].ProcessingNotes)

	// A given version overrides the name, for exactly one release.
	r, err := ReadReleaseFile(txt2019, "2019-04")
	require.NoError(t, err)
	require.Equal(t, "2019-04", r.Version)
	require.Len(t, r.ProcessingNotes, 218, "proc_notes_2019.txt attaches to a release of 2019 read from its folder")
	_, err = LoadSources([]string{txt2019, xlsx2004}, LoadOptions{Version: "2019-04"})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "exactly one release")
	_, err = LoadSources([]string{txt2019}, LoadOptions{Version: "2019-4"})
	require.ErrorIs(t, err, ErrInvalid)

	// Two sources of one version: an error naming both.
	twice := filepath.Join(tmp, "twice")
	a := filepath.Join(twice, "a", "HCPC2019_CONTR_ANWEB.txt")
	b := filepath.Join(twice, "b", "2019-alpha-numeric-hcpcs-file.zip")
	link(t, txt2019, a)
	zipFiles(t, b, map[string]string{"HCPC2019_CONTR_ANWEB.txt": txt2019})
	_, err = LoadSources([]string{twice}, LoadOptions{})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "version 2019-01 is given twice")
	require.ErrorContains(t, err, a)
	require.ErrorContains(t, err, b+"!HCPC2019_CONTR_ANWEB.txt")
	_, err = LoadSources([]string{txt2019, txt2019}, LoadOptions{})
	require.ErrorContains(t, err, "version 2019-01 is given twice")

	// Two files of one format and version in one folder: ambiguous.
	dup := filepath.Join(tmp, "dup")
	link(t, txt2019, filepath.Join(dup, "HCPC2019_CONTR_ANWEB.txt"))
	link(t, txt2019, filepath.Join(dup, "HCPC2019_CONTR_ANWEB_copy.txt"))
	_, err = LoadSources([]string{dup}, LoadOptions{})
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "two .txt files of version 2019-01 in one folder")

	// ReadReleaseFile takes files only.
	_, err = ReadReleaseFile(dup, "")
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "is a directory")
}

func TestLoadFolderPrefersTxt(t *testing.T) {
	// One folder with the .txt, .xlsx and stray files of 2019 and the .xls
	// and .txt of 2020 gives two releases, read from the .txt files.
	tmp := t.TempDir()
	src19 := testenv.Release(t, "2019-01_annual")
	src20 := testenv.Release(t, "2020-01_annual")
	for _, f := range []string{"HCPC2019_CONTR_ANWEB.xlsx", "HCPC2019_CONTR_ANWEB.txt", "proc_notes_2019.txt", "HCPC2019_README.txt", "HCPCS2019_recordlayout.txt", "Changes_by_HCPCSCode.prn"} {
		link(t, filepath.Join(src19, f), filepath.Join(tmp, "all", f))
	}
	for _, f := range []string{"HCPC2020_ANWEB_w_disclaimer.xls", "HCPC2020_ANWEB_w_disclaimer.txt", "proc_notes_2020.txt"} {
		link(t, filepath.Join(src20, f), filepath.Join(tmp, "all", f))
	}
	link(t, filepath.Join(testenv.Release(t, "2020-04_quarterly"), "trans_alpha.xlsx"), filepath.Join(tmp, "all", "trans_alpha.xlsx"))
	rs, err := LoadSources([]string{tmp}, LoadOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	dir := filepath.Join(tmp, "all")
	require.Equal(t, []string{filepath.Join(dir, "HCPC2019_CONTR_ANWEB.txt"), filepath.Join(dir, "proc_notes_2019.txt")}, rs[0].Sources)
	require.Equal(t, []string{filepath.Join(dir, "HCPC2020_ANWEB_w_disclaimer.txt"), filepath.Join(dir, "proc_notes_2020.txt")}, rs[1].Sources)
	require.Equal(t, release(t, "2019-01").Concepts, rs[0].Concepts)
	require.Equal(t, release(t, "2020-01").ProcessingNotes, rs[1].ProcessingNotes)
}

func TestLoadSourcesEmpty(t *testing.T) {
	rs, err := LoadSources(nil, LoadOptions{})
	require.Nil(t, rs)
	require.ErrorIs(t, err, ErrInvalid)
}

func ExampleVersionFromName() {
	for _, p := range []string{"HCPC2025_OCT_ANWEB.xlsx", "HCPC17_CONTR_ANWEB.txt", "data/2020-04_quarterly/anweb.xlsx"} {
		v, ok := VersionFromName(p)
		fmt.Println(v, ok)
	}
	// Output:
	// 2025-10 true
	// 2017-01 true
	// 2020-04 true
}

// TestLoadFollowsFolderLinks: `make data` links the release folders into
// ./data, so a scan must follow links to folders, once each.
func TestLoadFollowsFolderLinks(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, "2023-01_quarterly"), filepath.Join(dir, "2023-01_quarterly")))
	require.NoError(t, os.Symlink(dir, filepath.Join(dir, "loop"))) // a cycle must not hang or double-load
	rs, err := LoadSources([]string{dir}, LoadOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	require.Equal(t, "2023-01", rs[0].Version)
	require.Equal(t, 7785, rs[0].Counts().Entries)
}

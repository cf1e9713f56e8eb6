package terminology

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

func TestCodeTableMeanings(t *testing.T) {
	tests := []struct {
		table *CodeTable
		code  string
		want  string
	}{
		{PricingIndicatorTable, "00", "Service not separately priced by part B (e.g., services not covered, bundled, used by part a only, etc.)"},
		{PricingIndicatorTable, "13", "Price established by carriers (e.g., not otherwise classified, individual determination, carrier discretion)"},
		{PricingIndicatorTable, "46", "Carrier priced (e.g., not otherwise classified, individual determination, carrier discretion, gap-filled amounts)"},
		{PricingIndicatorTable, "40", "Lymphedema Compression Treatment Items (eff 1/1/2024)"},
		{PricingIndicatorTable, "99", "Value not established"},
		{MultiplePricingIndicatorTable, "9", "Not applicable as HCPCS not priced separately by part B (pricing indicator is 00) or value is not established (pricing indicator is '99')"},
		{MultiplePricingIndicatorTable, "A", "Not applicable as HCPCS priced under one methodology"},
		{CoverageTable, "I", "Not payable by Medicare"},
		{CoverageTable, "S", "Non-covered by Medicare statute"},
		{BETOSTable, "Z2", "Undefined codes"},
		{BETOSTable, "I4A", "Imaging/procedure - heart including cardiac catheterization"},
		{BETOSTable, "O1L", "Lymphedema Compression Treatment Items (eff 1/1/2024)"},
		{TypeOfServiceTable, "9", "Other medical items or services"},
		{TypeOfServiceTable, "0", "Whole blood only eff 01/96, whole blood or packed red cells before 01/96"},
		{ActionCodeTable, "N", "No maintenance for this code"},
		{ActionCodeTable, "T", "Miscellaneous change (BETOS, type of service)"},
		{LabCertificationTable, "110", "Bacteriology"},
		{LabCertificationTable, "010", "Histocompatibility testing"},
		{ASCPaymentGroupTable, "YY", "Procedure is approved to be performed in an ambulatory surgical center"},
		{OPPSPaymentGroupTable, "000", "No MOG applies"},
		{OPPSPaymentIndicatorTable, "9", "ASC payment not applicable"},
	}
	for _, tc := range tests {
		t.Run(tc.table.ID+"/"+tc.code, func(t *testing.T) {
			got, ok := tc.table.Meaning(tc.code)
			require.True(t, ok)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestCodeTableUnknownCode(t *testing.T) {
	tests := []struct {
		table *CodeTable
		code  string
	}{
		{PricingIndicatorTable, ""},
		{PricingIndicatorTable, "0"},
		{PricingIndicatorTable, "98"},
		{CoverageTable, "c"},          // codes are case-sensitive
		{BETOSTable, "z2"},            // codes are case-sensitive
		{BETOSTable, "Z2 "},           // no trimming
		{LabCertificationTable, "10"}, // not zero-padded
		{ASCPaymentGroupTable, ""},    // blank has a meaning, but is not an entry
		{ActionCodeTable, "E"},
		{nil, "00"},
	}
	for _, tc := range tests {
		got, ok := tc.table.Meaning(tc.code)
		require.False(t, ok, "%q", tc.code)
		require.Empty(t, got)
		if tc.table != nil {
			e, ok := tc.table.Entry(tc.code)
			require.False(t, ok)
			require.Zero(t, e)
		}
	}
}

func TestCodeTableEntryStructure(t *testing.T) {
	e, ok := LabCertificationTable.Entry("520")
	require.True(t, ok)
	require.Equal(t, CodeTableEntry{Code: "520", Meaning: "Antibody detection (transfusion)", Parent: "500"}, e)

	e, ok = LabCertificationTable.Entry("500")
	require.True(t, ok)
	require.Empty(t, e.Parent)

	e, ok = PricingIndicatorTable.Entry("40")
	require.True(t, ok)
	require.Equal(t, "Durable Medical Equipment, Prosthetics, Orthotics, Supplies And Surgical Dressings", e.Group)

	e, ok = OPPSPaymentGroupTable.Entry("689")
	require.True(t, ok)
	require.Equal(t, "Nervous/Eye", e.Group)

	require.Equal(t, "Not Approved For ASC", ASCPaymentGroupTable.Blank)
}

func TestCodeTableCounts(t *testing.T) {
	want := map[string]int{
		"pricing-indicator":          26,
		"multiple-pricing-indicator": 8,
		"lab-certification":          31,
		"coverage":                   5,
		"asc-payment-group":          1,
		"opps-payment-group":         98,
		"opps-payment-indicator":     7,
		"betos":                      107,
		"type-of-service":            34,
		"action-code":                10,
	}
	got := map[string]int{}
	for _, tb := range CodeTables() {
		got[tb.ID] = len(tb.Entries)
	}
	require.Equal(t, want, got)
}

func TestCodeTablesWellFormed(t *testing.T) {
	tables := CodeTables()
	require.Len(t, tables, 10)
	ids := map[string]bool{}
	for _, tb := range tables {
		t.Run(tb.ID, func(t *testing.T) {
			require.Regexp(t, `^[a-z]+(-[a-z]+)*$`, tb.ID)
			require.False(t, ids[tb.ID], "duplicate table ID")
			ids[tb.ID] = true
			for _, s := range []string{tb.Title, tb.Column, tb.Description} {
				require.NotEmpty(t, s)
				requireCleanText(t, s)
			}
			if tb.Blank != "" {
				requireCleanText(t, tb.Blank)
			}

			byID, ok := CodeTableByID(tb.ID)
			require.True(t, ok)
			require.Same(t, tb, byID)

			require.NotEmpty(t, tb.Entries)
			codes := map[string]CodeTableEntry{}
			for _, e := range tb.Entries {
				require.NotEmpty(t, e.Code)
				require.Equal(t, strings.TrimSpace(e.Code), e.Code)
				_, dup := codes[e.Code]
				require.False(t, dup, "duplicate code %q", e.Code)
				codes[e.Code] = e
				require.NotEmpty(t, e.Meaning, "code %q", e.Code)
				requireCleanText(t, e.Meaning)
				if e.Group != "" {
					requireCleanText(t, e.Group)
				}
				require.NotContains(t, e.Meaning, "e.G.", "code %q", e.Code)

				m, ok := tb.Meaning(e.Code)
				require.True(t, ok)
				require.Equal(t, e.Meaning, m)
			}
			// A parent is a top-level code of the same table listed before
			// its children.
			seen := map[string]bool{}
			for _, e := range tb.Entries {
				if e.Parent != "" {
					p, ok := codes[e.Parent]
					require.True(t, ok, "code %q: parent %q is not in the table", e.Code, e.Parent)
					require.Empty(t, p.Parent, "code %q: parent %q has a parent", e.Code, e.Parent)
					require.True(t, seen[e.Parent], "code %q: parent %q comes later", e.Code, e.Parent)
				}
				seen[e.Code] = true
			}
		})
	}

	_, ok := CodeTableByID("no-such-table")
	require.False(t, ok)
	_, ok = CodeTableByID("")
	require.False(t, ok)

	// CodeTables returns a copy of the list.
	tables[0] = nil
	require.NotNil(t, CodeTables()[0])
}

func requireCleanText(t *testing.T, s string) {
	t.Helper()
	require.Equal(t, strings.TrimSpace(s), s, "leading or trailing space in %q", s)
	require.NotContains(t, s, "  ", "double space in %q", s)
	require.False(t, strings.ContainsAny(s, "\t\r\n"), "control character in %q", s)
}

func TestCodeTableConcurrentLookup(t *testing.T) {
	// The index is built lazily; lookups from many goroutines must be safe
	// (run with -race).
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, tb := range CodeTables() {
				for _, e := range tb.Entries {
					m, ok := tb.Meaning(e.Code)
					if !ok || m != e.Meaning {
						t.Errorf("%s %q: got %q, %v", tb.ID, e.Code, m, ok)
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestCodeTablesCoverRelease2019 checks that every coded value in the real
// 2019 annual file has a meaning. It slices the fixed-width columns itself
// (SOURCES.md §2) from RECID 3 and 7 lines; continuation lines carry no
// coded columns.
func TestCodeTablesCoverRelease2019(t *testing.T) {
	path := filepath.Join(testenv.HCPCSData(t), "2019-01_annual", "HCPC2019_CONTR_ANWEB.txt")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	// 1-based inclusive column positions from SOURCES.md §2.
	type column struct {
		name       string
		start, end int
		table      *CodeTable
	}
	var columns []column
	for i := range 4 {
		columns = append(columns, column{"PRICE" + string(rune('1'+i)), 120 + 2*i, 121 + 2*i, PricingIndicatorTable})
	}
	columns = append(columns, column{"MULT_PI", 128, 128, MultiplePricingIndicatorTable})
	for i := range 8 {
		columns = append(columns, column{"LABCERT" + string(rune('1'+i)), 181 + 3*i, 183 + 3*i, LabCertificationTable})
	}
	columns = append(columns,
		column{"COV", 230, 230, CoverageTable},
		column{"ASC_GRP", 231, 232, ASCPaymentGroupTable},
		column{"OPPS", 241, 243, OPPSPaymentGroupTable},
		column{"OPPS_PI", 244, 244, OPPSPaymentIndicatorTable},
		column{"BETOS", 257, 259, BETOSTable},
	)
	for i := range 5 {
		columns = append(columns, column{"TOS" + string(rune('1'+i)), 261 + i, 261 + i, TypeOfServiceTable})
	}
	columns = append(columns, column{"ACTION CD", 293, 293, ActionCodeTable})

	// Columns that must be filled: on every procedure (RECID 3), and on
	// every modifier (RECID 7), whose pricing, BETOS and TOS are blank.
	required := map[byte]map[string]bool{
		'3': {"PRICE1": true, "MULT_PI": true, "COV": true, "BETOS": true, "TOS1": true, "ACTION CD": true},
		'7': {"COV": true, "ACTION CD": true},
	}

	firstLine := regexp.MustCompile(`^[ A-Z0-9]{5}\d{5}[37]`)
	seen := map[string]map[string]int{} // table ID -> value -> count
	entries := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !firstLine.MatchString(line) {
			continue
		}
		entries++
		code := strings.TrimSpace(line[:5])
		if len(line) < 320 {
			line += strings.Repeat(" ", 320-len(line))
		}
		for _, c := range columns {
			v := strings.TrimSpace(line[c.start-1 : c.end])
			if v == "" {
				require.False(t, required[line[10]][c.name], "%s: %s is blank", code, c.name)
				continue
			}
			_, ok := c.table.Meaning(v)
			require.True(t, ok, "%s: %s value %q is not in table %s", code, c.name, v, c.table.ID)
			if seen[c.table.ID] == nil {
				seen[c.table.ID] = map[string]int{}
			}
			seen[c.table.ID][v]++
		}
	}
	require.NoError(t, sc.Err())

	// SOURCES.md §3: 6,440 procedures and 360 modifiers.
	require.Equal(t, 6800, entries)
	// The check is not vacuous: each table used by the data saw many values.
	for id, atLeast := range map[string]int{
		"pricing-indicator":          15,
		"multiple-pricing-indicator": 2,
		"lab-certification":          5,
		"coverage":                   5,
		"betos":                      50,
		"type-of-service":            10,
		"action-code":                3,
	} {
		require.GreaterOrEqual(t, len(seen[id]), atLeast, "distinct %s values", id)
	}
	// ASC_GRP is YY or blank.
	require.Len(t, seen["asc-payment-group"], 1)
	require.Positive(t, seen["asc-payment-group"]["YY"])
	// COV is filled on every entry.
	covered := 0
	for _, n := range seen["coverage"] {
		covered += n
	}
	require.Equal(t, entries, covered)
	// OPPS and OPPS_PI are blank in every release here.
	require.Empty(t, seen["opps-payment-group"])
	require.Empty(t, seen["opps-payment-indicator"])
}

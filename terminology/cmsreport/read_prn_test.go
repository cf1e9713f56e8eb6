package cmsreport

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fixtures are written for these tests in the shapes of CMS's layouts;
// none is taken from CMS's files.

// codesOnly is the 2017/2018 layout: code and type of change.
const codesOnly = "HCPCS/Modifier Code Type of Change\r\n" +
	"\r\n" +
	"   ZZ               ADD\r\n" +
	"Z0001              Coverage & Long Desc Change\r\n" +
	"Z0002              No change\r\n" +
	"Z0003              Misc Change (TOS, BETOS)\r\n" +
	"Z0004              Re-activated\r\n"

// withDescriptions is the 2019/2020 layout, after a disclaimer, with a
// cp1252 byte (0xE9, é) in a description and a cut type of change.
const withDescriptions = "Note about the file\r\n\r\n" +
	" HCPC/MOD     TYPE OF CHANGE      SHORT DESCRIPTION   LONG DESCRIPTION\r\n" +
	"   Z0010          ADD             Short one           Long one that is cu\r\n" +
	"   Z0011  Long Description Change Caf\xe9 short          Caf\xe9 long\r\n" +
	"      ZY  Coverage and Long Desc  Mod short\r\n"

func TestReadPRN(t *testing.T) {
	tests := []struct {
		name, in  string
		wantDescr bool
		want      []Entry
	}{
		{"codes only", codesOnly, false, []Entry{
			{Code: "ZZ", Label: "ADD", Kinds: []Kind{Added}, Line: 3},
			{Code: "Z0001", Label: "Coverage & Long Desc Change", Kinds: []Kind{LongDescription, Coverage}, Line: 4},
			{Code: "Z0002", Label: "No change", Kinds: []Kind{NoChange}, Line: 5},
			{Code: "Z0003", Label: "Misc Change (TOS, BETOS)", Kinds: []Kind{Misc}, Line: 6},
			{Code: "Z0004", Label: "Re-activated", Kinds: []Kind{Reinstated}, Line: 7},
		}},
		{"with descriptions", withDescriptions, true, []Entry{
			{Code: "Z0010", Label: "ADD", Kinds: []Kind{Added}, Short: "Short one", Long: "Long one that is cu", Line: 4},
			{Code: "Z0011", Label: "Long Description Change", Kinds: []Kind{LongDescription}, Short: "Café short", Long: "Café long", Line: 5},
			{Code: "ZY", Label: "Coverage and Long Desc", Kinds: []Kind{LongDescription, Coverage}, Short: "Mod short", Line: 6},
		}},
		{"LF line ends, header only", "HCPC/MOD ACTION CD\n\n", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadPRN(strings.NewReader(tt.in), "f.prn")
			require.NoError(t, err)
			require.Equal(t, tt.want, rep.Entries)
			require.Equal(t, tt.wantDescr, rep.HasDescriptions)
			require.Equal(t, tt.wantDescr, rep.LongCut)
			for _, e := range tt.want {
				got, ok := rep.Entry(e.Code)
				require.True(t, ok, e.Code)
				require.Equal(t, e, got)
			}
		})
	}
}

func TestReadPRNErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no header", "A1 ADD\r\nB2 ADD\r\n", "f.prn: malformed CMS change report: no header line (one starting with HCPC) in 2 lines"},
		{"bad code", "HCPCS/Modifier Code Type of Change\r\nA12 ADD\r\n", `f.prn:2: malformed CMS change report: "A12" is not a HCPCS code or modifier`},
		{"unknown label", "HCPCS Code Type\r\nA1 ADD\r\nA0001 Renamed\r\n", `f.prn:3: code A0001: malformed CMS change report: unknown type of change "Renamed"`},
		{"label too short to tell", "HCPC\r\nA0001 Coverage\r\n", `f.prn:2: code A0001: malformed CMS change report: unknown type of change "Coverage"`},
		{"twice", "HCPC\r\nA0001 ADD\r\n\r\nA0001 No Change\r\n", "f.prn:4: malformed CMS change report: code A0001 is listed twice (also at f.prn:2)"},
		{"long before short", "HCPC LONG DESCRIPTION SHORT DESCRIPTION\r\n", "f.prn:1: malformed CMS change report: header has SHORT DESCRIPTION at 23 and LONG DESCRIPTION at 6; want both, short first, after the code"},
		{"only a short column", "HCPC TYPE SHORT DESCRIPTION\r\n", "f.prn:1: malformed CMS change report: header has SHORT DESCRIPTION at 11 and LONG DESCRIPTION at 0; want both, short first, after the code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPRN(strings.NewReader(tt.in), "f.prn")
			require.EqualError(t, err, tt.want)
			require.True(t, errors.Is(err, ErrMalformed))
		})
	}
}

func TestParseLabel(t *testing.T) {
	tests := []struct {
		label string
		want  []Kind
		err   bool
	}{
		{"ADD", []Kind{Added}, false},
		{"Add", []Kind{Added}, false},
		{"Discontinued", []Kind{Discontinued}, false},
		{"Long/Short Description Change", []Kind{LongDescription, ShortDescription}, false},
		{"Coverage & Long Desc Change", []Kind{LongDescription, Coverage}, false},
		{"Coverage and Long Description Change", []Kind{LongDescription, Coverage}, false},
		{"Long Description Chang", []Kind{LongDescription}, false},
		{"Short Description", []Kind{ShortDescription}, false},
		{"Miscellaneous change (BETOS or Type of Service)", []Kind{Misc}, false},
		{"  payment   change ", []Kind{Payment}, false},
		{"Coverage Change", []Kind{Coverage}, false},
		{"Coverage and", []Kind{LongDescription, Coverage}, false}, // starts two spellings of one meaning
		{"No", nil, true},
		{"", nil, true},
		{"Deleted", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			got, err := ParseLabel(tt.label)
			if tt.err {
				require.ErrorIs(t, err, ErrMalformed)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestCutLabelsUnambiguous: every start of a label long enough to match
// means what the whole label means, so no cut label is taken for another.
func TestCutLabelsUnambiguous(t *testing.T) {
	for full, kinds := range labels {
		for n := minCutLabel; n <= len(full); n++ {
			got, err := ParseLabel(full[:n])
			require.NoError(t, err, full[:n])
			require.Equal(t, sortKinds(append([]Kind(nil), kinds...)), got, full[:n])
		}
	}
}

func TestActionCodeKinds(t *testing.T) {
	for letter, want := range map[string][]Kind{"A": {Added}, "B": {LongDescription, Coverage}, "D": {Discontinued}, "N": {NoChange}, "T": {Misc}} {
		got, ok := ActionCodeKinds(letter)
		require.True(t, ok, letter)
		require.Equal(t, want, got, letter)
	}
	_, ok := ActionCodeKinds("X")
	require.False(t, ok)
}

func TestReportCodesAndCounts(t *testing.T) {
	rep, err := ReadPRN(strings.NewReader(codesOnly), "f.prn")
	require.NoError(t, err)
	require.Equal(t, []string{"Z0001"}, rep.Codes(Coverage))
	require.Equal(t, []string{"Z0001"}, rep.Codes(LongDescription))
	require.Equal(t, map[Kind]int{Added: 1, LongDescription: 1, Coverage: 1, NoChange: 1, Misc: 1, Reinstated: 1}, rep.Counts())
	_, ok := rep.Entry("A0000")
	require.False(t, ok)
}

package terminology

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The fixtures in this file are invented: made-up codes ("Z9901") and text,
// laid out by the record layout. No CMS file content is copied.

// fixedRecord builds one 320-character fixed-width record from column
// values; each value is placed left-justified at its column's position
// (give "  7" for a right-justified ANEST_BU, "   ZA" for a modifier).
func fixedRecord(vals map[string]string) string {
	b := []byte(strings.Repeat(" ", recordLength))
	for c := range numColumns {
		f := layout[c]
		if v, ok := vals[f.name]; ok {
			if len(v) > f.end-f.start+1 {
				panic(fmt.Sprintf("fixture value %q too long for %s", v, f.name))
			}
			copy(b[f.start-1:f.end], v)
		}
	}
	return string(b)
}

// inventedProcedure is a first line of an invented procedure code.
func inventedProcedure(code, seq string) map[string]string {
	return map[string]string{
		"HCPC": code, "SEQNUM": seq, "RECID": "3",
		"LONG DESCRIPTION": "Invented widget for testing the reader, first part", "SHORT DESCRIPTION": "Invented widget",
		"PRICE1": "00", "PRICE3": "46", "MULT_PI": "9", "LABCERT2": "110", "COV": "I", "PROCNOTE": "0007",
		"BETOS": "Z2", "TOS1": "9", "TOS2": "1", "ANEST_BU": "  7", "ADD DT": "20210101", "ACT EFF DT": "20210401", "ACTION CD": "N",
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func continuation(code, seq, recid, text string) string {
	return fixedRecord(map[string]string{"HCPC": code, "SEQNUM": seq, "RECID": recid, "LONG DESCRIPTION": text})
}

// inventedFile is a small fixed-width file: a disclaimer line, a procedure
// with two continuation lines (one trimmed to 91 characters as CMS does in
// some years), and a modifier with one.
func inventedFile() string {
	lines := []string{
		"***Invented disclaimer line, not a record",
		"",
		fixedRecord(inventedProcedure("Z9901", "00100")),
		continuation("Z9901", "00200", "4", "  and second part"),
		strings.TrimRight(continuation("Z9901", "00300", "4", "third part"), " "),
		fixedRecord(map[string]string{"HCPC": "   ZA", "SEQNUM": "00100", "RECID": "7", "LONG DESCRIPTION": "Invented modifier",
			"SHORT DESCRIPTION": "Invented mod", "COV": "C", "ADD DT": "20200101", "ACT EFF DT": "20200101", "TERM DT": "20221231", "ACTION CD": "D"}),
		continuation("   ZA", "00200", "8", "continued"),
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func intp(n int) *int { return &n }

func TestLayoutCoversRecord(t *testing.T) {
	// Every position 1-320 belongs to exactly one column, except the
	// fillers 260 and 294-320.
	owner := make([]string, recordLength+1)
	for c := range numColumns {
		f := layout[c]
		require.NotEmpty(t, f.name)
		for p := f.start; p <= f.end; p++ {
			require.Empty(t, owner[p], "position %d claimed by %s and %s", p, owner[p], f.name)
			owner[p] = f.name
		}
	}
	for p := 1; p <= recordLength; p++ {
		filler := p == 260 || p >= 294
		require.Equal(t, filler, owner[p] == "", "position %d", p)
	}
	require.Equal(t, 48, numColumns)
	require.Equal(t, "TOS5", layout[colAnestBU-1].name)
	require.Equal(t, "ACTION CD", layout[colAction].name)
}

func TestReadFixedWidthInvented(t *testing.T) {
	got, err := ReadFixedWidth(strings.NewReader(inventedFile()), "invented.txt")
	require.NoError(t, err)
	require.Equal(t, []*Concept{
		{
			Code: "Z9901", Kind: Procedure,
			LongDescription:          "Invented widget for testing the reader, first part and second part third part",
			ShortDescription:         "Invented widget",
			PricingIndicators:        []string{"00", "", "46"},
			MultiplePricingIndicator: "9",
			LabCertifications:        []string{"", "110"},
			Coverage:                 "I", ProcessingNote: "0007", BETOS: "Z2",
			TypesOfService:      []string{"9", "1"},
			AnesthesiaBaseUnits: intp(7),
			AddedDate:           date(2021, 1, 1), ActionEffectiveDate: date(2021, 4, 1),
			ActionCode: "N",
		},
		{
			Code: "ZA", Kind: Modifier,
			LongDescription: "Invented modifier continued", ShortDescription: "Invented mod",
			Coverage: "C", AddedDate: date(2020, 1, 1), ActionEffectiveDate: date(2020, 1, 1),
			TerminationDate: date(2022, 12, 31), ActionCode: "D",
		},
	}, got)
}

func TestReadFixedWidthDecodesCP1252(t *testing.T) {
	rec := fixedRecord(with(inventedProcedure("Z9902", "00100"), "LONG DESCRIPTION", "Caf\xe9 \x93quoted\x94"))
	got, err := ReadFixedWidth(strings.NewReader(rec+"\n"), "cp1252.txt")
	require.NoError(t, err)
	require.Equal(t, "Café “quoted”", got[0].LongDescription)
}

func TestReadFixedWidthBroken(t *testing.T) {
	good := fixedRecord(inventedProcedure("Z9901", "00100"))
	tests := []struct {
		name   string
		lines  []string
		line   int    // line named in the error
		column string // column named, if any
		msg    string
	}{
		{"bad RECID", []string{good, fixedRecord(with(inventedProcedure("Z9902", "00100"), "RECID", "5"))}, 2, "RECID", `"5" is not 3, 4, 7 or 8`},
		{"bad date", []string{good, fixedRecord(with(inventedProcedure("Z9902", "00100"), "ADD DT", "20210230"))}, 2, "ADD DT", "not a date"},
		{"non-digit date", []string{fixedRecord(with(inventedProcedure("Z9902", "00100"), "TERM DT", "2021-1-1"))}, 1, "TERM DT", "not a date"},
		{"bad PRICE", []string{good, fixedRecord(with(inventedProcedure("Z9902", "00100"), "PRICE2", "4X"))}, 2, "PRICE2", "two-digit"},
		{"bad ANEST_BU", []string{fixedRecord(with(inventedProcedure("Z9902", "00100"), "ANEST_BU", " x1"))}, 1, "ANEST_BU", "base units"},
		{"bad code", []string{fixedRecord(with(inventedProcedure("Z99 1", "00100")))}, 1, "HCPC", "not a valid code"},
		{"modifier not right-justified", []string{fixedRecord(map[string]string{"HCPC": "ZA   ", "SEQNUM": "00100", "RECID": "7"})}, 1, "HCPC", "positions 4-5"},
		{"too long", []string{good + "X"}, 1, "", "321 characters"},
		{"filler used", []string{good[:259] + "X" + good[260:]}, 1, "", "filler"},
		{"orphan continuation", []string{good, continuation("Z9902", "00200", "4", "orphan")}, 2, "", "does not follow"},
		{"continuation of other kind", []string{fixedRecord(map[string]string{"HCPC": "   ZA", "SEQNUM": "00100", "RECID": "7"}), continuation("   ZA", "00200", "4", "wrong kind")}, 2, "", "does not follow"},
		{"continuation first", []string{continuation("Z9901", "00200", "4", "nothing before")}, 1, "", "does not follow"},
		{"continuation with data", []string{good, continuation("Z9901", "00200", "4", "x")[:100] + "N" + strings.Repeat(" ", 219)}, 2, "", "data after the long description"},
		{"duplicate code", []string{good, good}, 2, "", "listed again (first at line 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFixedWidth(strings.NewReader(strings.Join(tt.lines, "\r\n")), "broken.txt")
			require.Error(t, err)
			require.ErrorIs(t, err, ErrInvalid)
			var re *ReadError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "broken.txt", re.File)
			require.Equal(t, tt.line, re.Line)
			require.Equal(t, tt.column, re.Column)
			require.Contains(t, err.Error(), fmt.Sprintf("broken.txt: line %d", tt.line))
			require.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestReadFixedWidthNoRecords(t *testing.T) {
	_, err := ReadFixedWidth(strings.NewReader("just some text\nand more\n"), "empty.txt")
	require.ErrorIs(t, err, ErrInvalid)
	require.Contains(t, err.Error(), "empty.txt")
}

func TestNormalizeASC(t *testing.T) {
	tests := []struct {
		grp, date         string
		wantGrp, wantDate string
	}{
		{"", "", "", ""},
		{"YY", "20170401", "YY", "20170401"},
		{"20", "170401", "", "20170401"}, // the 2018 shift
		{"20", "180101", "", "20180101"},
		{"20", "171301", "20", "171301"},     // not a date: left for the date check to reject
		{"YY", "170401", "YY", "170401"},     // group not digits: rejected later
		{"20", "1704011", "20", "1704011"},   // seven digits: rejected later
		{"20", "20170401", "20", "20170401"}, // a group "20" beside a full date is not the shift
	}
	for _, tt := range tests {
		g, d := normalizeASC(tt.grp, tt.date)
		require.Equal(t, tt.wantGrp, g, "%q %q", tt.grp, tt.date)
		require.Equal(t, tt.wantDate, d, "%q %q", tt.grp, tt.date)
	}

	// Through the reader: the shift is repaired, another malformed ASC date fails.
	shifted := fixedRecord(with(inventedProcedure("Z9903", "00100"), "ASC_GRP", "20", "ASC_DT", "170401"))
	got, err := ReadFixedWidth(strings.NewReader(shifted), "asc.txt")
	require.NoError(t, err)
	require.Equal(t, "", got[0].ASCPaymentGroup)
	require.Equal(t, date(2017, 4, 1), got[0].ASCEffectiveDate)

	bad := fixedRecord(with(inventedProcedure("Z9903", "00100"), "ASC_GRP", "20", "ASC_DT", "173401"))
	_, err = ReadFixedWidth(strings.NewReader(bad), "asc.txt")
	require.ErrorIs(t, err, ErrInvalid)
	require.Contains(t, err.Error(), "column ASC_DT")
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"20020101", date(2002, 1, 1), true},
		{"20200229", date(2020, 2, 29), true},
		{"20190229", time.Time{}, false},
		{"20191301", time.Time{}, false},
		{"2019010", time.Time{}, false},
		{"2019-1-1", time.Time{}, false},
		{"00000000", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		require.Equal(t, tt.ok, ok, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

// csvHeader is the 48-column ANWEB header.
func csvHeader() string {
	names := make([]string, numColumns)
	for c := range numColumns {
		names[c] = layout[c].name
	}
	return strings.Join(names, ",")
}

func csvRow(vals map[string]string) string {
	cells := make([]string, numColumns)
	for c := range numColumns {
		v := vals[layout[c].name]
		if strings.ContainsAny(v, ",\"") {
			v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		cells[c] = v
	}
	return strings.Join(cells, ",")
}

func TestReadCSVInvented(t *testing.T) {
	proc := with(inventedProcedure("Z9901", "0010"), "LONG DESCRIPTION", `Invented widget, "quoted", complete`, "ANEST_BU", "  7")
	mod := map[string]string{"HCPC": "   ZA", "SEQNUM": "0010", "RECID": "7", "LONG DESCRIPTION": "Invented modifier", "ADD DT": "20200101"}
	in := "\uFEFF" + csvHeader() + "\r\n" + csvRow(proc) + "\r\n" +
		csvRow(map[string]string{"HCPC": "Z9901", "SEQNUM": "0020", "RECID": "4", "LONG DESCRIPTION": "complete"}) + "\r\n" +
		",,,\r\n" + csvRow(mod) + "\r\n"
	got, err := ReadCSV(strings.NewReader(in), "invented.csv")
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, `Invented widget, "quoted", complete`, got[0].LongDescription) // stray continuation ignored
	require.Equal(t, []string{"00", "", "46"}, got[0].PricingIndicators)
	require.Equal(t, intp(7), got[0].AnesthesiaBaseUnits)
	require.Equal(t, &Concept{Code: "ZA", Kind: Modifier, LongDescription: "Invented modifier", AddedDate: date(2020, 1, 1)}, got[1])

	// A quoted header and disclaimer lines before it are fine too.
	quoted := `"Invented disclaimer"` + "\n" + `"` + strings.ReplaceAll(csvHeader(), ",", `","`) + `"` + "\n" + csvRow(proc) + "\n"
	got, err = ReadCSV(strings.NewReader(quoted), "quoted.csv")
	require.NoError(t, err)
	require.Len(t, got, 1)
}

func TestReadCSVBroken(t *testing.T) {
	proc := inventedProcedure("Z9901", "0010")
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{"no header", csvRow(proc) + "\n", "no header row"},
		{"missing column", strings.Replace(csvHeader(), ",TOS5", "", 1) + "\n", "lacks column(s) TOS5"},
		{"unknown column", csvHeader() + ",EXTRA\n", `"EXTRA", which is not an ANWEB column`},
		{"bad date", csvHeader() + "\n" + csvRow(with(proc, "ACT EFF DT", "20211341")) + "\n", "line 2, column ACT EFF DT"},
		{"bad RECID", csvHeader() + "\n" + csvRow(with(proc, "RECID", "9")) + "\n", "line 2, column RECID"},
		{"orphan continuation", csvHeader() + "\n" + csvRow(map[string]string{"HCPC": "Z9902", "RECID": "4", "LONG DESCRIPTION": "x"}) + "\n", "line 2: continuation row"},
		{"cell without header", csvHeader() + "\n" + csvRow(proc) + ",surplus\n", "line 2: cell 49 has data but no header"},
		{"bad quoting", csvHeader() + "\n" + `Z9901,"0010` + "\n", "broken.csv: line 2"},
		{"not UTF-8", csvHeader() + "\n" + csvRow(with(proc, "SHORT DESCRIPTION", "caf\xe9")) + "\n", "line 2: text is not UTF-8"},
		{"duplicate", csvHeader() + "\n" + csvRow(proc) + "\n" + csvRow(proc) + "\n", "line 3: code \"Z9901\" is listed again (first at line 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV(strings.NewReader(tt.in), "broken.csv")
			require.Nil(t, got)
			require.ErrorIs(t, err, ErrInvalid)
			require.Contains(t, err.Error(), "broken.csv")
			require.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestReadProcNotesInvented(t *testing.T) {
	in := "                    PROCESSING NOTES\r\n" +
		" ______________\r\n\r\n" +
		"          0001--AN INVENTED NOTE THAT WRAPS ONTO                *\r\n" +
		"                A SECOND LINE.                                  *\r\n" +
		"                                                                *\r\n" +
		"\t  0002--\"Q\" NOTE WITH\tTABS AND\x92 CP1252.\t\t   *  \r\n" +
		"\t\tAND A   TAIL\r\n" +
		"\r\n   \r\n"
	got, err := ReadProcNotes(strings.NewReader(in), "proc_notes_2099.txt")
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"0001": "AN INVENTED NOTE THAT WRAPS ONTO A SECOND LINE.",
		"0002": "\"Q\" NOTE WITH TABS AND’ CP1252. AND A TAIL",
	}, got)

	_, err = ReadProcNotes(strings.NewReader("0001--A\n0001--B\n"), "dup.txt")
	require.ErrorIs(t, err, ErrInvalid)
	require.Contains(t, err.Error(), "dup.txt: line 2")

	_, err = ReadProcNotes(strings.NewReader("nothing here\n"), "none.txt")
	require.ErrorIs(t, err, ErrInvalid)
}

func TestVersionFromName(t *testing.T) {
	tests := []struct {
		path string
		want string // "" when no version can be told
	}{
		{"HCPC2025_OCT_ANWEB.xlsx", "2025-10"},
		{"HCPC2023_JAN_ANWEB_v3.xlsx", "2023-01"},
		{"HCPC2023_JAN_ANWEB_v3.csv", "2023-01"},
		{"HCPC2020_APR_ANWEB.txt", "2020-04"},
		{"HCPC2026_JAN_ANWEB_01122026.txt", "2026-01"},
		{"HCPC17_CONTR_ANWEB.txt", "2017-01"},
		{"HCPC17_CONTR_ANWEB.xlsx", "2017-01"},
		{"HCPC2019_CONTR_ANWEB.txt", "2019-01"},
		{"HCPC2018_CONTR_ANWEB_disc.txt", "2018-01"},
		{"HCPC2020_ANWEB_w_disclaimer.txt", "2020-01"},
		{"hcpc2024_july_anweb.xlsx", "2024-07"},
		{"october-2025-alpha-numeric-hcpcs-file.zip", "2025-10"},
		{"January-2026-Alpha-Numeric-HCPCS-File.zip", "2026-01"},
		{"2017-Alpha-Numeric-HCPCS-File.zip", "2017-01"},
		{"2019-alpha-numeric-hcpcs-file.zip", "2019-01"},
		{"/data/2020-04_quarterly/anweb.xlsx", "2020-04"},
		{"/data/2020-04/anweb.xlsx", "2020-04"},
		{"/data/2020-07_quarterly/hcpc/deep/anweb.xlsx", "2020-07"},
		{"/data/2020-10_quarterly/HCPC2025_OCT_ANWEB.xlsx", "2025-10"}, // the name wins
		{"/data/2019-01_annual.bak/x/anweb.csv", "2019-01"},
		{"/data/quarterly/anweb.xlsx", ""},
		{"/data/2020-13/anweb.xlsx", ""},
		{"/data/2020-4/anweb.xlsx", ""},
		{"anweb.xlsx", ""},
		{"HCPC201_ANWEB.txt", ""},
		{"spring-2025-alpha-numeric-hcpcs-file.zip", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := VersionFromName(tt.path)
			require.Equal(t, tt.want != "", ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestReadErrorMessage(t *testing.T) {
	cause := errors.New("boom")
	tests := []struct {
		err  *ReadError
		want string
	}{
		{&ReadError{File: "a.txt", Line: 3, Column: "ADD DT", Err: cause}, "a.txt: line 3, column ADD DT: boom"},
		{&ReadError{File: "a.xlsx", Sheet: "A", Line: 9, Err: cause}, `a.xlsx: sheet "A", row 9: boom`},
		{&ReadError{File: "a.zip", Err: cause}, "a.zip: boom"},
	}
	for _, tt := range tests {
		require.EqualError(t, tt.err, tt.want)
		require.ErrorIs(t, tt.err, ErrInvalid)
		require.ErrorIs(t, tt.err, cause)
	}
}

package terminology

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds what every reader of CMS's ANWEB files shares: the 48
// columns of the record layout, the typed conversion of one record into a
// Concept, the one normalisation step for CMS's known data quirks, and the
// error type. The format-specific readers (read_fixed.go, read_xlsx.go,
// read_csv.go) only cut their input into records of raw strings.

// column indexes a field of the ANWEB record layout. The order is the column
// order of CMS's xlsx/csv files and the position order of the fixed-width file.
type column int

const (
	colHCPC column = iota
	colSEQNUM
	colRECID
	colLongDesc
	colShortDesc
	colPrice1   // PRICE1..PRICE4
	colMultPI   = colPrice1 + 4
	colCIM1     = colMultPI + 1 // CIM1..CIM3
	colMCM1     = colCIM1 + 3   // MCM1..MCM3
	colStatute  = colMCM1 + 3
	colLabCert1 = colStatute + 1  // LABCERT1..LABCERT8
	colXRef1    = colLabCert1 + 8 // XREF1..XREF5
	colCOV      = colXRef1 + 5
	colASCGrp   = colCOV + 1
	colASCDate  = colASCGrp + 1
	colOPPS     = colASCDate + 1
	colOPPSPI   = colOPPS + 1
	colOPPSDate = colOPPSPI + 1
	colProcNote = colOPPSDate + 1
	colBETOS    = colProcNote + 1
	colTOS1     = colBETOS + 1 // TOS1..TOS5
	colAnestBU  = colTOS1 + 5
	colAddDate  = colAnestBU + 1
	colActDate  = colAddDate + 1
	colTermDate = colActDate + 1
	colAction   = colTermDate + 1

	numColumns = int(colAction) + 1
)

// field describes one column: its xlsx/csv header name and its 1-based,
// inclusive position in the fixed-width record (SOURCES.md §2).
type field struct {
	name       string
	start, end int
}

// recordLength is the length of a fixed-width ANWEB record, without CRLF.
const recordLength = 320

// layout lists the 48 columns in column order. Positions 260 and 294-320 are
// filler and belong to no column.
var layout = buildLayout()

func buildLayout() [numColumns]field {
	var l [numColumns]field
	set := func(c column, name string, start, width int) {
		l[c] = field{name: name, start: start, end: start + width - 1}
	}
	repeat := func(first column, n int, prefix string, start, width int) {
		for i := range n {
			set(first+column(i), prefix+strconv.Itoa(i+1), start+i*width, width)
		}
	}
	set(colHCPC, "HCPC", 1, 5)
	set(colSEQNUM, "SEQNUM", 6, 5)
	set(colRECID, "RECID", 11, 1)
	set(colLongDesc, "LONG DESCRIPTION", 12, 80)
	set(colShortDesc, "SHORT DESCRIPTION", 92, 28)
	repeat(colPrice1, 4, "PRICE", 120, 2)
	set(colMultPI, "MULT_PI", 128, 1)
	repeat(colCIM1, 3, "CIM", 129, 6)
	repeat(colMCM1, 3, "MCM", 147, 8)
	set(colStatute, "STATUTE", 171, 10)
	repeat(colLabCert1, 8, "LABCERT", 181, 3)
	repeat(colXRef1, 5, "XREF", 205, 5)
	set(colCOV, "COV", 230, 1)
	set(colASCGrp, "ASC_GRP", 231, 2)
	set(colASCDate, "ASC_DT", 233, 8)
	set(colOPPS, "OPPS", 241, 3)
	set(colOPPSPI, "OPPS_PI", 244, 1)
	set(colOPPSDate, "OPPS_DT", 245, 8)
	set(colProcNote, "PROCNOTE", 253, 4)
	set(colBETOS, "BETOS", 257, 3)
	repeat(colTOS1, 5, "TOS", 261, 1)
	set(colAnestBU, "ANEST_BU", 266, 3)
	set(colAddDate, "ADD DT", 269, 8)
	set(colActDate, "ACT EFF DT", 277, 8)
	set(colTermDate, "TERM DT", 285, 8)
	set(colAction, "ACTION CD", 293, 1)
	return l
}

// record is one line (fixed-width) or row (xlsx, csv) of an ANWEB file, cut
// into its 48 columns. Values may carry surrounding blanks.
type record [numColumns]string

func (r *record) get(c column) string { return strings.TrimSpace(r[c]) }

// RECID values.
const (
	recProcedure             = "3"
	recProcedureContinuation = "4"
	recModifier              = "7"
	recModifierContinuation  = "8"
)

// recordKind classifies a RECID: the kind of concept and whether the record
// continues the previous one.
func recordKind(recid string) (k Kind, continuation bool, ok bool) {
	switch recid {
	case recProcedure:
		return Procedure, false, true
	case recProcedureContinuation:
		return Procedure, true, true
	case recModifier:
		return Modifier, false, true
	case recModifierContinuation:
		return Modifier, true, true
	}
	return 0, false, false
}

// fieldError is a problem with one column of one record. The reader that
// found it adds the file and the line or row.
type fieldError struct {
	col column
	msg string
}

func (e *fieldError) Error() string { return layout[e.col].name + ": " + e.msg }

func badField(c column, format string, args ...any) *fieldError {
	return &fieldError{col: c, msg: fmt.Sprintf(format, args...)}
}

// validCode reports whether s is a code of kind k after trimming: five
// characters A-Z/0-9 for a procedure, two for a modifier.
func validCode(s string, k Kind) bool {
	want := 5
	if k == Modifier {
		want = 2
	}
	if len(s) != want {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDate parses a CMS date: YYYYMMDD, or blank for the zero time.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	if len(s) != 8 || !allDigits(s) {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != time.Month(m) || t.Day() != d {
		return time.Time{}, false // e.g. 20190230, month 13
	}
	return t, true
}

// repeated turns a run of repeated columns (PRICE1-4, TOS1-5, ...) into a
// slice: trailing blank columns are dropped, inner blanks kept as "". All
// blank gives nil.
func repeated(r *record, first column, n int) []string {
	last := -1
	for i := n - 1; i >= 0; i-- {
		if r.get(first+column(i)) != "" {
			last = i
			break
		}
	}
	if last < 0 {
		return nil
	}
	out := make([]string, last+1)
	for i := range out {
		out[i] = r.get(first + column(i))
	}
	return out
}

// normalizeASC is the one place where a known CMS data quirk is repaired,
// shared by every reader so that a release reads the same from .txt, .xlsx
// and .csv. It takes the trimmed ASC_GRP and ASC_DT values and returns the
// values to use.
//
// The quirk: in the 2018 annual release, both HCPC2018_CONTR_ANWEB_disc.txt
// and its .xlsx give five C-codes (C9488, C9745, C9746, C9747, C9748)
// ASC_GRP "20" and ASC_DT "170401": the date 20170401 was written one field
// (two characters) early, starting in the ASC_GRP column. The 2019 file has
// ASC_GRP "YY" and ASC_DT 20170401 for the same codes.
//
// Decision: when ASC_GRP is two digits, ASC_DT is exactly six digits (the
// rest of the field blank) and ASC_GRP+ASC_DT is a valid YYYYMMDD date, the
// date is ASC_GRP+ASC_DT and the group is unknown, so it is returned blank:
// the date overwrote it, and guessing "YY" from the next year's file would
// invent data. Anything else that is not a valid date stays an error; this
// rule repairs only the exact shift seen in CMS's files.
func normalizeASC(grp, date string) (string, string) {
	if len(grp) == 2 && allDigits(grp) && len(date) == 6 && allDigits(date) {
		if _, ok := parseDate(grp + date); ok {
			return "", grp + date
		}
	}
	return grp, date
}

// concept converts a first record (RECID 3 or 7) into a Concept, checking
// every column whose syntax the layout fixes: the code, RECID, PRICE1-4 (two
// digits), ANEST_BU (digits) and the five dates (YYYYMMDD). Columns whose
// values are code-table entries are taken as they are.
func (r *record) concept() (*Concept, *fieldError) {
	kind, cont, ok := recordKind(r.get(colRECID))
	if !ok {
		return nil, badField(colRECID, "%q is not 3, 4, 7 or 8", r.get(colRECID))
	}
	if cont {
		return nil, badField(colRECID, "continuation record %s has no first record", r.get(colRECID))
	}
	code := r.get(colHCPC)
	if !validCode(code, kind) {
		what := "a procedure code is five characters A-Z, 0-9"
		if kind == Modifier {
			what = "a modifier is two characters A-Z, 0-9"
		}
		return nil, badField(colHCPC, "%q is not a valid code for RECID %s: %s", r[colHCPC], r.get(colRECID), what)
	}
	for i := range 4 {
		if p := r.get(colPrice1 + column(i)); p != "" && (len(p) != 2 || !allDigits(p)) {
			return nil, badField(colPrice1+column(i), "%q is not a two-digit pricing indicator", p)
		}
	}
	c := &Concept{
		Code:                     code,
		Kind:                     kind,
		LongDescription:          r.get(colLongDesc),
		ShortDescription:         r.get(colShortDesc),
		PricingIndicators:        repeated(r, colPrice1, 4),
		MultiplePricingIndicator: r.get(colMultPI),
		CoverageIssuesManual:     repeated(r, colCIM1, 3),
		MedicareCarriersManual:   repeated(r, colMCM1, 3),
		Statute:                  r.get(colStatute),
		LabCertifications:        repeated(r, colLabCert1, 8),
		CrossReferences:          repeated(r, colXRef1, 5),
		Coverage:                 r.get(colCOV),
		OPPSPaymentGroup:         r.get(colOPPS),
		OPPSPaymentIndicator:     r.get(colOPPSPI),
		ProcessingNote:           r.get(colProcNote),
		BETOS:                    r.get(colBETOS),
		TypesOfService:           repeated(r, colTOS1, 5),
		ActionCode:               r.get(colAction),
	}
	var ascDate string
	c.ASCPaymentGroup, ascDate = normalizeASC(r.get(colASCGrp), r.get(colASCDate))
	dates := []struct {
		col column
		val string
		dst *time.Time
	}{
		{colASCDate, ascDate, &c.ASCEffectiveDate},
		{colOPPSDate, r.get(colOPPSDate), &c.OPPSEffectiveDate},
		{colAddDate, r.get(colAddDate), &c.AddedDate},
		{colActDate, r.get(colActDate), &c.ActionEffectiveDate},
		{colTermDate, r.get(colTermDate), &c.TerminationDate},
	}
	for _, d := range dates {
		t, ok := parseDate(d.val)
		if !ok {
			return nil, badField(d.col, "%q is not a date (YYYYMMDD)", d.val)
		}
		*d.dst = t
	}
	if bu := r.get(colAnestBU); bu != "" {
		if !allDigits(bu) || len(bu) > 3 {
			return nil, badField(colAnestBU, "%q is not a number of anesthesia base units", bu)
		}
		n, _ := strconv.Atoi(bu)
		c.AnesthesiaBaseUnits = &n
	}
	return c, nil
}

// ReadError reports a malformed or unsupported source. It names the file
// and, when the problem is in one place, the line (fixed-width, csv) or the
// sheet and row (xlsx), and the column. It wraps ErrInvalid and the
// underlying cause, so errors.Is(err, ErrInvalid) holds; an unsupported
// format also wraps ErrNotSupported.
type ReadError struct {
	// File is the path of the file as given, or "archive.zip!member" for a
	// member of a ZIP.
	File string
	// Sheet is the xlsx worksheet, if any.
	Sheet string
	// Line is the 1-based line (fixed-width, csv) or row (xlsx); 0 when the
	// problem concerns the file as a whole.
	Line int
	// Column is the ANWEB column at fault, if any.
	Column string
	// Err says what is wrong.
	Err error
}

func (e *ReadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.Sheet != "":
		fmt.Fprintf(&b, ": sheet %q", e.Sheet)
		if e.Line > 0 {
			fmt.Fprintf(&b, ", row %d", e.Line)
		}
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %s", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) hold, as well as errors.Is and
// errors.As on the cause.
func (e *ReadError) Unwrap() []error { return []error{ErrInvalid, e.Err} }

// readErr builds a *ReadError; a *fieldError cause supplies the column.
func readErr(file, sheet string, line int, err error) *ReadError {
	re := &ReadError{File: file, Sheet: sheet, Line: line, Err: err}
	var fe *fieldError
	if errors.As(err, &fe) {
		re.Column = layout[fe.col].name
		re.Err = errors.New(fe.msg)
	}
	return re
}

func readErrf(file, sheet string, line int, format string, args ...any) *ReadError {
	return readErr(file, sheet, line, fmt.Errorf(format, args...))
}

// collector accumulates the concepts of one file in order and rejects a
// code listed twice.
type collector struct {
	concepts []*Concept
	seen     map[string]int // code -> line or row of its first record
}

func newCollector(sizeHint int) *collector {
	return &collector{concepts: make([]*Concept, 0, sizeHint), seen: make(map[string]int, sizeHint)}
}

// add appends c, first read at line; it returns the line of an earlier
// record of the same code, or 0.
func (cl *collector) add(c *Concept, line int) int {
	if prev, dup := cl.seen[c.Code]; dup {
		return prev
	}
	cl.seen[c.Code] = line
	cl.concepts = append(cl.concepts, c)
	return 0
}

func (cl *collector) last() *Concept {
	if len(cl.concepts) == 0 {
		return nil
	}
	return cl.concepts[len(cl.concepts)-1]
}

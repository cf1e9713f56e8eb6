package cmsreport

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// checkReport holds a report read from any input to the reader's promises.
func checkReport(t *testing.T, rep *Report, err error) {
	t.Helper()
	if err != nil {
		if rep != nil {
			t.Fatalf("a report and an error: %v", err)
		}
		return
	}
	seen := map[string]bool{}
	for _, e := range rep.Entries {
		if !isCode(e.Code) || seen[e.Code] || len(e.Kinds) == 0 || e.Line < 1 {
			t.Fatalf("bad entry %+v", e)
		}
		seen[e.Code] = true
		if got, ok := rep.Entry(e.Code); !ok || got.Line != e.Line {
			t.Fatalf("Entry(%s) = %+v, %v", e.Code, got, ok)
		}
	}
}

func FuzzReadPRN(f *testing.F) {
	f.Add([]byte(codesOnly))
	f.Add([]byte(withDescriptions))
	f.Add([]byte("HCPC SHORT DESCRIPTION LONG DESCRIPTION\n  Z0001 ADD x y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ReadPRN(bytes.NewReader(data), "f.prn")
		if err != nil && !errors.Is(err, ErrMalformed) && !strings.Contains(err.Error(), "token too long") {
			t.Fatalf("error outside ErrMalformed: %v", err)
		}
		checkReport(t, rep, err)
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(workbook(f, []string{"Changes by HCPC code", "Action Code Key"}, fixtureSheets))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ReadXLSX(bytes.NewReader(data), "f.xlsx")
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error outside ErrMalformed: %v", err)
		}
		checkReport(t, rep, err)
	})
}

func FuzzParseLabel(f *testing.F) {
	for l := range labels {
		f.Add(l)
	}
	f.Add("Long Description Chang")
	f.Fuzz(func(t *testing.T, label string) {
		kinds, err := ParseLabel(label)
		if (err == nil) == (len(kinds) == 0) {
			t.Fatalf("ParseLabel(%q) = %v, %v", label, kinds, err)
		}
	})
}

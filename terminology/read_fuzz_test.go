package terminology

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// checkFuzzResult is the invariant of the fuzz targets: a reader either
// fails with ErrInvalid or returns concepts that each have a code and a kind.
func checkFuzzResult(t *testing.T, concepts []*Concept, err error) {
	t.Helper()
	if err != nil {
		if concepts != nil {
			t.Fatalf("concepts returned with error %v", err)
		}
		if !isInvalid(err) {
			t.Fatalf("error does not wrap ErrInvalid: %v", err)
		}
		return
	}
	if len(concepts) == 0 {
		t.Fatal("success without concepts")
	}
	for _, c := range concepts {
		if c.Code == "" || (c.Kind != Procedure && c.Kind != Modifier) {
			t.Fatalf("bad concept %+v", c)
		}
	}
}

func isInvalid(err error) bool {
	var re *ReadError
	return errors.As(err, &re) && re.File != "" && errors.Is(err, ErrInvalid)
}

func FuzzReadFixedWidth(f *testing.F) {
	good := fixedRecord(inventedProcedure("Z9901", "00100"))
	f.Add([]byte(inventedFile()))
	f.Add([]byte(good))
	f.Add([]byte(good[:91] + "\n" + continuation("Z9901", "00200", "4", "more")[:40]))
	f.Add([]byte(fixedRecord(with(inventedProcedure("Z9903", "00100"), "ASC_GRP", "20", "ASC_DT", "170401"))))
	f.Add([]byte("   ZA00100" + "7" + strings.Repeat(" ", 300)))
	f.Add([]byte("Z990100100"))
	f.Add([]byte("Z9901001003\r\n"))
	f.Add([]byte("\x92\xa0 disclaimer\r\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		concepts, err := ReadFixedWidth(bytes.NewReader(data), "fuzz.txt")
		checkFuzzResult(t, concepts, err)
	})
}

func FuzzReadCSV(f *testing.F) {
	proc := inventedProcedure("Z9901", "0010")
	f.Add([]byte(csvHeader() + "\n" + csvRow(proc) + "\n"))
	f.Add([]byte("\uFEFF" + csvHeader() + "\r\n" + csvRow(proc) + "\r\n" + csvRow(map[string]string{"HCPC": "Z9901", "RECID": "4", "LONG DESCRIPTION": "tail"}) + "\r\n"))
	f.Add([]byte("disclaimer\n" + csvHeader() + "\n" + csvRow(map[string]string{"HCPC": "   ZA", "RECID": "7", "ADD DT": "20200101"}) + "\n"))
	f.Add([]byte(csvHeader() + "\n\"unterminated\n"))
	f.Add([]byte("HCPC,SEQNUM,RECID\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		concepts, err := ReadCSV(bytes.NewReader(data), "fuzz.csv")
		checkFuzzResult(t, concepts, err)
	})
}

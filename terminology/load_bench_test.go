package terminology

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// BenchmarkLoadAll loads all nine real releases, as the server does at
// start-up (docs/performance.md, "Start and memory").
func BenchmarkLoadAll(b *testing.B) {
	dir := testenv.HCPCSData(b)
	b.ReportAllocs()
	for b.Loop() {
		rs, err := LoadSources([]string{dir}, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) != 9 {
			b.Fatalf("%d releases", len(rs))
		}
	}
}

// BenchmarkReadXLSX reads each real ANWEB spreadsheet the server loads,
// with the lean reader and, for comparison, with excelize alone.
func BenchmarkReadXLSX(b *testing.B) {
	dir := testenv.HCPCSData(b)
	for _, f := range []string{
		"2020-04_quarterly/anweb.xlsx",
		"2020-07_quarterly/anweb.xlsx",
		"2020-10_quarterly/anweb.xlsx",
		"2023-01_quarterly/HCPC2023_JAN_ANWEB_v3.xlsx",
		"2025-10_quarterly/HCPC2025_OCT_ANWEB.xlsx",
	} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			b.Fatal(err)
		}
		for _, reader := range []struct {
			name string
			lean bool
		}{{"lean", true}, {"excelize", false}} {
			b.Run(filepath.Dir(f)[:7]+"/"+reader.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					cs, err := readXLSX(data, f, reader.lean)
					if err != nil || len(cs) == 0 {
						b.Fatal(len(cs), err)
					}
				}
			})
		}
	}
}

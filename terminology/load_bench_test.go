package terminology

import (
	"testing"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// BenchmarkLoadAll loads all nine real releases, as the server does at
// start-up. Target: under 2 s and 200 MB peak RSS.
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

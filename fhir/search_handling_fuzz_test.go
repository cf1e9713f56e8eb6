package fhir

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzStrictHandling: the Prefer header is read without panicking, and
// strict handling is found exactly when some preference, among those
// separated by commas and semicolons, is handling=strict (any case,
// optionally quoted).
func FuzzStrictHandling(f *testing.F) {
	for _, s := range []string{"", "handling=strict", "handling=lenient", `return=minimal, handling="strict"`, "respond-async; handling = STRICT", "handling", "=strict", "handling=strict=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, prefer string) {
		r := &http.Request{Header: http.Header{"Prefer": {prefer}}}
		got := strictHandling(r)
		want := false
		for _, part := range strings.FieldsFunc(prefer, func(r rune) bool { return r == ',' || r == ';' }) {
			name, value, ok := strings.Cut(part, "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "handling") &&
				strings.EqualFold(strings.Trim(strings.TrimSpace(value), `"`), "strict") {
				want = true
			}
		}
		if got != want {
			t.Fatalf("strictHandling(Prefer: %q) = %v, want %v", prefer, got, want)
		}
	})
}

// FuzzSplitCanonical: a canonical url|version splits at its first bar into
// a non-empty url and version that rebuild it; a value without a bar is
// the url; a version given twice must agree; nothing panics.
func FuzzSplitCanonical(f *testing.F) {
	for _, s := range [][2]string{{"http://x|1", ""}, {"http://x", "2"}, {"http://x|1", "2"}, {"|", ""}, {"a|b|c", "b|c"}, {"", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, version string) {
		url, ver, err := splitCanonical("url", value, "version", version)
		if !strings.Contains(value, "|") {
			if err != nil || url != value || ver != version {
				t.Fatalf("splitCanonical(%q, %q) = %q, %q, %v: no bar, no change", value, version, url, ver, err)
			}
			return
		}
		if err != nil {
			return
		}
		if url == "" || ver == "" || url+"|"+ver != value || strings.Contains(url, "|") {
			t.Fatalf("splitCanonical(%q) = %q, %q", value, url, ver)
		}
		if version != "" && version != ver {
			t.Fatalf("splitCanonical(%q, %q) accepted two versions", value, version)
		}
	})
}

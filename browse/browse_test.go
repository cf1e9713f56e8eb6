package browse

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

func TestPages(t *testing.T) {
	snap := fixtureSnapshot(t)
	h := New(func() *terminology.Snapshot { return snap }, Options{})
	long := strings.Repeat("a", maxQueryLength+1)
	cases := []struct {
		name, target string
		status       int
		want, not    []string
	}{
		{"search page lists the releases", "/browse", 200, []string{`<a href="/browse/release/2024-07">2024-07</a>`, `<label for="q">`, `id="results"`}, nil},
		{"search ranks and marks", "/browse?q=wheelchair+cushion", 200,
			[]string{`1 codes found in release 2024-07`, `<mark>Wheelchair</mark> seat <mark>cushion</mark>, general use, any width`, `href="/browse/code/A1001?release=2024-07"`},
			[]string{"A1002", "A1004"}},
		{"search an older release", "/browse?q=crutch&release=2024-01", 200, []string{`<mark>Crutches</mark>, underarm, pair`, `found in release 2024-01`}, nil},
		{"property filters", "/browse?coverage=D&release=2024-01", 200, []string{"A1002"}, []string{"A1001?", "A1003?"}},
		{"kind filter", "/browse?kind=modifier", 200, []string{`href="/browse/code/LT?release=2024-07"`}, []string{"A1001?"}},
		{"active only", "/browse?q=cane&active=true", 200, []string{"0 codes found"}, []string{"A1003?"}},
		{"terminated shown when not active only", "/browse?q=cane", 200, []string{"A1003", `class="badge">terminated`}, nil},
		{"a hostile query is text", "/browse?q=" + url.QueryEscape(`<script>alert(1)</script>`), 200,
			[]string{`value="&lt;script&gt;alert(1)&lt;/script&gt;"`}, []string{"<script>alert"}},
		{"hostile data is text", "/browse?q=wheelchair", 200, []string{html.EscapeString(hostile)[:20]}, []string{`<img src=x`}},
		{"the FHIR $expand behind the results", "/browse?q=cane", 200, []string{`/fhir/ValueSet/$expand?`, `&amp;_format=xml`}, nil},
		{"release malformed", "/browse?release=2024", 400, []string{"not a release version"}, nil},
		{"release not loaded", "/browse?release=2030-01", 404, []string{"2030-01 is not loaded", "2024-01, 2024-07"}, nil},
		{"active malformed", "/browse?active=maybe", 400, []string{"active=&#34;maybe&#34;"}, nil},
		{"kind unknown", "/browse?kind=drug", 400, []string{"procedure or modifier"}, nil},
		{"BETOS unknown", "/browse?betos=ZZZ", 400, []string{"BETOS"}, nil},
		{"coverage unknown", "/browse?coverage=Q", 400, []string{"COV"}, nil},
		{"page zero", "/browse?q=cane&page=0", 400, []string{"page"}, nil},
		{"page beyond the end", "/browse?q=cane&page=9", 400, []string{"beyond the last page"}, nil},
		{"query too long", "/browse?q=" + long, 400, []string{"at most 256"}, nil},

		{"code page", "/browse/code/A1001", 200, []string{
			`<dd id="display">Wheelchair seat cushion, general use, any width</dd>`, `<dd id="short">W/c cushion</dd>`,
			`Carrier judgment`, // COV C, with its CMS meaning
			`See the cushion &lt;policy&gt; &amp; rules.`, "proc_notes file of release 2024-01",
			`<a href="/browse/code/A1002">A1002</a>`, // a cross-reference to a code the release no longer lists
			`Not loaded here: the CMS releases 2024-04 between 2024-01 and 2024-07`,
			`Long description changed`, `<del>Wheelchair seat cushion, general use</del>`, `CMS action C`,
			`/fhir/CodeSystem/$lookup?system=http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets&amp;code=A1001&amp;version=2024-07&amp;property=*`,
			`&amp;property=*&amp;_format=xml`, `/fhir/CodeSystem/$history?code=A1001`, `/fhir/CodeSystem/$history?code=A1001&amp;_format=xml`,
		}, nil},
		{"code page of an older release", "/browse/code/A1001?release=2024-01", 200,
			[]string{`<dd id="display">Wheelchair seat cushion, general use</dd>`, `<a href="/browse/code/A1002?release=2024-01">A1002</a>`}, nil},
		{"a removed code shows its newest release", "/browse/code/A1002", 200,
			[]string{"The latest loaded release, 2024-07, does not list A1002", `<dd>2024-01</dd>`, "Removed from the file"}, nil},
		{"a terminated code", "/browse/code/A1003", 200, []string{"last day of use 2024-06-30", "Terminated"}, nil},
		{"hostile display on a code page", "/browse/code/A1004", 200, []string{html.EscapeString("Wheelchair " + hostile)}, []string{"<img"}},
		{"code absent from the release asked", "/browse/code/A1002?release=2024-07", 404, []string{"does not list A1002", `href="/browse/code/A1002?release=2024-01"`}, nil},
		{"code in lower case", "/browse/code/a1001", 404, []string{"upper case", `href="/browse/code/A1001"`}, nil},
		{"code unknown", "/browse/code/ZZ999", 404, []string{"No loaded HCPCS release lists the code ZZ999"}, nil},
		{"code hostile", "/browse/code/" + url.PathEscape(`<script>`), 400, []string{"&#34;&lt;script&gt;&#34; is not a HCPCS code"}, []string{"<script>"}},
		{"code release malformed", "/browse/code/A1001?release=24-07", 400, []string{"not a release version"}, nil},
		{"code release not loaded", "/browse/code/A1001?release=2030-01", 404, []string{"not loaded"}, nil},

		{"release page", "/browse/release/2024-07", 200, []string{
			`<dt>Codes</dt><dd>4</dd>`, `Changes since 2024-01`, `Not loaded here: the CMS releases 2024-04 between 2024-01 and 2024-07`,
			`data-count="added">1<`, `data-count="removed">1<`, `data-count="terminated">1<`, `data-count="long-description">1<`,
			`/fhir/CodeSystem/hcpcs-2024-07`, `/fhir/CodeSystem/hcpcs-2024-07?_format=xml`,
			`/fhir/CodeSystem/$history?from=2024-01&amp;to=2024-07`, `/fhir/CodeSystem/$history?from=2024-01&amp;to=2024-07&amp;_format=xml`,
		}, nil},
		{"release page filtered by kind", "/browse/release/2024-07?kind=added", 200,
			[]string{`<tr data-kind="added"><th scope="row"><a href="/browse/code/A1004?release=2024-07">A1004</a>`, "1 changes of the selected kinds",
				`/fhir/CodeSystem/$history?from=2024-01&amp;to=2024-07&amp;kind=added`, `id="kind-added" checked`},
			[]string{`data-kind="removed"><th`, `data-kind="terminated"><th`}},
		{"release page, two kinds", "/browse/release/2024-07?kind=added&kind=removed", 200, []string{"2 changes of the selected kinds"}, nil},
		{"release page, unknown kind", "/browse/release/2024-07?kind=renamed", 400, []string{"not a kind of change", "added, removed"}, nil},
		{"release page beyond the last page", "/browse/release/2024-07?page=2", 400, []string{"beyond the last page"}, nil},
		{"the oldest release", "/browse/release/2024-01", 200, []string{"the oldest loaded release"}, []string{"$history?from"}},
		{"release not loaded", "/browse/release/2099-01", 404, []string{"2099-01 is not loaded", `href="/browse/release/2024-01"`}, nil},
		{"release malformed", "/browse/release/latest", 400, []string{"not a release version"}, nil},

		{"unknown page", "/browse/nope", 404, []string{"There is no page here"}, nil},
		{"unknown deeper page", "/browse/code/A1001/extra", 404, []string{"There is no page here"}, nil},
		{"unknown asset", "/browse/assets/nope.js", 404, []string{"There is no asset"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, h, http.MethodGet, tc.target)
			body := rec.Body.String()
			require.Equal(t, tc.status, rec.Code, "%s", body)
			require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
			require.Equal(t, ContentSecurityPolicy, rec.Header().Get("Content-Security-Policy"))
			require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			require.Zero(t, inlineScripts(body), "a page has an inline script")
			require.Contains(t, body, `<a class="skip" href="#main">`)
			require.Contains(t, body, `<main id="main"`)
			for _, w := range tc.want {
				require.Contains(t, body, w)
			}
			for _, n := range tc.not {
				require.NotContains(t, body, n)
			}
			if tc.status != http.StatusOK {
				require.Contains(t, body, "<h1>"+strconv.Itoa(tc.status))
				require.NotContains(t, body, "OperationOutcome")
			}
		})
	}
}

func TestRedirectsAndMethods(t *testing.T) {
	snap := fixtureSnapshot(t)
	h := New(func() *terminology.Snapshot { return snap }, Options{})
	cases := []struct {
		method, target string
		status         int
		location       string
	}{
		{http.MethodGet, "/", http.StatusFound, "/browse"},
		{http.MethodGet, "/?q=cane", http.StatusFound, "/browse?q=cane"},
		{http.MethodGet, "/browse/", http.StatusMovedPermanently, "/browse"},
		{http.MethodPost, "/browse", http.StatusMethodNotAllowed, ""},
		{http.MethodDelete, "/browse/code/A1001", http.StatusMethodNotAllowed, ""},
		{http.MethodHead, "/browse", http.StatusOK, ""},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := get(t, h, tc.method, tc.target)
			require.Equal(t, tc.status, rec.Code)
			require.Equal(t, tc.location, rec.Header().Get("Location"))
			require.Equal(t, ContentSecurityPolicy, rec.Header().Get("Content-Security-Policy"))
			switch tc.status {
			case http.StatusMethodNotAllowed:
				require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
				require.Contains(t, rec.Body.String(), "is not allowed here")
			case http.StatusOK:
				require.Zero(t, rec.Body.Len(), "HEAD has no body")
			}
		})
	}
}

func TestAssets(t *testing.T) {
	snap := fixtureSnapshot(t)
	h := New(func() *terminology.Snapshot { return snap }, Options{})
	page := get(t, h, http.MethodGet, "/browse").Body.String()
	for _, name := range []string{"browse.css", "browse.js"} {
		u := assetURL(name)
		require.Contains(t, page, `"`+html.EscapeString(u)+`"`, "the page links %s by its versioned URL", name)
		rec := get(t, h, http.MethodGet, u)
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
		etag := rec.Header().Get("ETag")
		require.NotEmpty(t, etag)

		plain := get(t, h, http.MethodGet, "/browse/assets/"+name)
		require.Equal(t, "no-cache", plain.Header().Get("Cache-Control"), "an unversioned URL is revalidated")
		cond := httptest.NewRequest(http.MethodGet, "/browse/assets/"+name, nil)
		cond.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, cond)
		require.Equal(t, http.StatusNotModified, rec.Code)
	}
	require.Equal(t, "text/css; charset=utf-8", get(t, h, http.MethodGet, "/browse/assets/browse.css").Header().Get("Content-Type"))
	require.Contains(t, get(t, h, http.MethodGet, "/browse/assets/browse.js").Header().Get("Content-Type"), "javascript")
}

func TestOwns(t *testing.T) {
	for path, want := range map[string]bool{"/": true, "/browse": true, "/browse/": true, "/browse/code/J1100": true,
		"/fhir": false, "/fhir/metadata": false, "/browser": false, "/metrics": false, "/healthz": false, "": false} {
		require.Equal(t, want, Owns(path), path)
	}
}

func TestCSPForbidsInlineScript(t *testing.T) {
	require.Contains(t, ContentSecurityPolicy, "script-src 'self'")
	require.NotContains(t, ContentSecurityPolicy, "unsafe-inline")
	require.NotContains(t, ContentSecurityPolicy, "unsafe-eval")
	require.Contains(t, ContentSecurityPolicy, "default-src 'none'")
}

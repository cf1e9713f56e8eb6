package browse

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// maxQueryLength bounds the text typed into the search box, as $expand
// bounds its filter.
const maxQueryLength = 256

// pageSize is the number of results a search page shows.
const pageSize = 50

// searchQuery is the search page's URL: /browse?q=…&release=…&active=…&kind=…&coverage=…&betos=…&page=…
type searchQuery struct {
	Q string
	// Release is the version searched; "" is the latest loaded.
	Release  string
	Active   bool
	Kind     string // "", "procedure" or "modifier"
	Coverage string // "" or a COV value
	BETOS    string // "" or a BETOS value
	Page     int    // 1-based
}

// parseSearch reads and checks the search parameters. A malformed value is
// a 400 that names the parameter; a release that is well formed but not
// loaded is checked by the caller, which knows what is loaded.
func parseSearch(v url.Values) (searchQuery, error) {
	q := searchQuery{Q: strings.TrimSpace(v.Get("q")), Release: strings.TrimSpace(v.Get("release")),
		Kind: v.Get("kind"), Coverage: v.Get("coverage"), BETOS: v.Get("betos"), Page: 1}
	if !utf8.ValidString(q.Q) {
		return q, badRequest("The search text (q) is not valid UTF-8.")
	}
	if n := utf8.RuneCountInString(q.Q); n > maxQueryLength {
		return q, badRequest("The search text (q) has %d characters; at most %d are searched.", n, maxQueryLength)
	}
	if q.Release != "" {
		if _, err := terminology.ParseVersion(q.Release); err != nil {
			return q, badRequest("The release %q is not a release version: give one as YYYY-MM, for example 2025-10.", q.Release)
		}
	}
	switch a := v.Get("active"); a {
	case "", "false", "0", "off":
	case "true", "1", "on":
		q.Active = true
	default:
		return q, badRequest("active=%q is not understood: give true (active codes only) or false.", a)
	}
	switch q.Kind {
	case "", terminology.Procedure.String(), terminology.Modifier.String():
	default:
		return q, badRequest("kind=%q is not a kind of code: give procedure or modifier.", q.Kind)
	}
	for _, f := range []struct {
		param, value string
		table        *terminology.CodeTable
	}{{"coverage", q.Coverage, terminology.CoverageTable}, {"betos", q.BETOS, terminology.BETOSTable}} {
		if _, ok := f.table.Meaning(f.value); f.value != "" && !ok {
			return q, badRequest("%s=%q is not a value of the CMS %s column (%s).", f.param, f.value, f.table.Column, f.table.Title)
		}
	}
	var err error
	q.Page, err = parsePage(v)
	return q, err
}

// parsePage reads page=, 1 when absent.
func parsePage(v url.Values) (int, error) {
	p := v.Get("page")
	if p == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 {
		return 1, badRequest("page=%q is not a page number: give 1, 2, …", p)
	}
	return n, nil
}

// filtered reports whether the query asks for anything: text or a
// property filter. An empty search shows the releases instead.
func (q searchQuery) filtered() bool {
	return valueset.HasWords(q.Q) || q.Kind != "" || q.Coverage != "" || q.BETOS != ""
}

// valueSetURL is the implicit value set of the property filters
// (terminology.ImplicitValueSet): the same URL the search script sends to
// $expand, so that both rank alike.
func (q searchQuery) valueSetURL() string {
	var filters []string
	for _, f := range [][2]string{{"kind", q.Kind}, {"coverage", q.Coverage}, {"betos", q.BETOS}} {
		if f[1] != "" {
			filters = append(filters, "filter/"+f[0]+"/=/"+f[1])
		}
	}
	if len(filters) == 0 {
		return terminology.AllCodesValueSet
	}
	return terminology.SystemURL + "?fhir_vs=" + strings.Join(filters, ";")
}

// expandURL is the FHIR $expand request equivalent to one page of the
// search, for the page's link to the FHIR answer.
func (q searchQuery) expandURL(fhirBase, version string) string {
	v := url.Values{}
	v.Set("url", q.valueSetURL())
	if q.Q != "" {
		v.Set("filter", q.Q)
	}
	v.Set("count", strconv.Itoa(pageSize))
	if q.Page > 1 {
		v.Set("offset", strconv.Itoa((q.Page-1)*pageSize))
	}
	if q.Active {
		v.Set("activeOnly", "true")
	}
	v.Set("system-version", terminology.SystemURL+"|"+version)
	return fhirBase + "/ValueSet/$expand?" + v.Encode()
}

// url is the browser URL of the query on another page.
func (q searchQuery) url(page int) string {
	v := url.Values{}
	for _, p := range [][2]string{{"q", q.Q}, {"release", q.Release}, {"kind", q.Kind}, {"coverage", q.Coverage}, {"betos", q.BETOS}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	if q.Active {
		v.Set("active", "true")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return withQuery("/browse", v.Encode())
}

// run searches one page through the engine $expand uses: the snapshot's
// compiled value set of the filters, ranked by the text filter.
func (q searchQuery) run(snap *terminology.Snapshot, version string) (*valueset.Expansion, error) {
	opts := valueset.Options{ActiveOnly: q.Active, SystemVersion: map[string]string{terminology.SystemURL: version}, DefaultsUnversionedOnly: true}
	compiled, err := snap.CompileValueSet(q.valueSetURL(), opts)
	if err != nil {
		return nil, err
	}
	exp, err := compiled.Expand(valueset.ExpandRequest{Filter: q.Q, Offset: (q.Page - 1) * pageSize, Count: pageSize, HasCount: true})
	if errors.Is(err, valueset.ErrInvalid) {
		return nil, badRequest("page %d is beyond the last page of this search.", q.Page)
	}
	return exp, err
}

// searchPage is the data of the search template.
type searchPage struct {
	Query    searchQuery
	Version  string // the release searched
	Releases []releaseSummary
	Kinds    []option
	Coverage []option
	BETOS    []option
	Searched bool
	Total    int
	First    int // 1-based position of the first result shown
	Last     int
	Results  []result
	Prev     string
	Next     string
	ExpandJSON,
	ExpandXML string
	SystemURL  string
	ExpandBase string // the $expand endpoint the search script calls
}

func (p searchPage) title() string {
	if p.Query.Q != "" {
		return p.Query.Q + " – HCPCS search"
	}
	return "HCPCS code browser"
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// result is one code found.
type result struct {
	Code     []segment
	Display  []segment
	Href     string
	Inactive bool
}

// releaseSummary is one loaded release in a list.
type releaseSummary struct {
	Version  string
	Href     string
	Counts   terminology.Counts
	Selected bool
}

func (h *Handler) search(r *http.Request) (string, any, error) {
	snap := h.snapshot()
	q, err := parseSearch(r.URL.Query())
	if err != nil {
		return "", nil, err
	}
	version := snap.Latest().Version
	if q.Release != "" {
		if _, err := snap.Version(q.Release); err != nil {
			return "", nil, notFound("Release %s is not loaded here; the loaded releases are %s.", q.Release, strings.Join(snap.Versions(), ", "))
		}
		version = q.Release
	}
	p := searchPage{Query: q, Version: version, SystemURL: terminology.SystemURL, ExpandBase: h.fhirBase + "/ValueSet/$expand",
		Kinds:    []option{{"", "Any", q.Kind == ""}, {"procedure", "Procedure, supply or service", q.Kind == "procedure"}, {"modifier", "Modifier", q.Kind == "modifier"}},
		Coverage: tableOptions(terminology.CoverageTable, q.Coverage),
		BETOS:    tableOptions(terminology.BETOSTable, q.BETOS)}
	for i := len(snap.Releases()) - 1; i >= 0; i-- {
		rel := snap.Releases()[i]
		p.Releases = append(p.Releases, releaseSummary{Version: rel.Version, Href: "/browse/release/" + rel.Version, Counts: rel.Counts(), Selected: rel.Version == version})
	}
	if !q.filtered() {
		return "search", p, nil
	}
	exp, err := q.run(snap, version)
	if err != nil {
		return "", nil, err
	}
	p.Searched, p.Total, p.First = true, exp.Total, exp.Offset+1
	for _, m := range exp.Contains {
		p.Results = append(p.Results, result{Code: highlight(m.Concept.Code, q.Q), Display: highlight(m.Concept.Display, q.Q),
			Href: codeURL(m.Concept.Code, version), Inactive: m.Concept.Inactive})
	}
	p.Last = exp.Offset + len(exp.Contains)
	if q.Page > 1 {
		p.Prev = q.url(q.Page - 1)
	}
	if exp.Offset+len(exp.Contains) < exp.Total {
		p.Next = q.url(q.Page + 1)
	}
	p.ExpandJSON = q.expandURL(h.fhirBase, version)
	p.ExpandXML = p.ExpandJSON + "&_format=xml"
	return "search", p, nil
}

func tableOptions(t *terminology.CodeTable, selected string) []option {
	out := []option{{"", "Any", selected == ""}}
	for _, e := range t.Entries {
		out = append(out, option{e.Code, fmt.Sprintf("%s – %s", e.Code, e.Meaning), e.Code == selected})
	}
	return out
}

// codeURL is the browser page of a code in a release.
func codeURL(code, version string) string {
	u := "/browse/code/" + url.PathEscape(code)
	if version != "" {
		u += "?release=" + url.QueryEscape(version)
	}
	return u
}

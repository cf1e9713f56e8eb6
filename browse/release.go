package browse

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// diffPageSize is the number of changes a release page lists at once.
const diffPageSize = 200

// releasePage is the data of the release template.
type releasePage struct {
	Version   string
	Counts    terminology.Counts
	Notes     int
	Previous  string // the loaded release before, "" for the oldest
	Next      string // the loaded release after, "" for the newest
	Unloaded  []string
	Kinds     []kindCount
	Filtered  bool
	Total     int // changes of the selected kinds
	First     int
	Last      int
	Changes   []changeRow
	PrevPage  string
	NextPage  string
	AllHref   string
	SearchURL string
	CodeSystemJSON, CodeSystemXML,
	DiffJSON, DiffXML string
}

func (p releasePage) title() string { return "HCPCS release " + p.Version }

// kindCount is one change kind with its number of changes.
type kindCount struct {
	Kind, Label string
	Count       int
	Href        string
	Selected    bool
}

// releaseQuery is a release page's parameters: ?kind=…&kind=…&page=…
type releaseQuery struct {
	Kinds []terminology.ChangeKind
	Page  int
}

func parseReleaseQuery(v url.Values) (releaseQuery, error) {
	q := releaseQuery{Page: 1}
	for _, k := range v["kind"] {
		for _, name := range strings.Split(k, ",") {
			kind, err := terminology.ParseChangeKind(strings.TrimSpace(name))
			if err != nil {
				return q, badRequest("kind=%q is not a kind of change; the kinds are %s.", name, kindNames())
			}
			if !slices.Contains(q.Kinds, kind) {
				q.Kinds = append(q.Kinds, kind)
			}
		}
	}
	var err error
	q.Page, err = parsePage(v)
	return q, err
}

func kindNames() string {
	names := make([]string, len(terminology.ChangeKinds))
	for i, k := range terminology.ChangeKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// url is the release page with these kinds, on page n.
func (q releaseQuery) url(version string, kinds []terminology.ChangeKind, page int) string {
	v := url.Values{}
	for _, k := range kinds {
		v.Add("kind", string(k))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return withQuery("/browse/release/"+url.PathEscape(version), v.Encode())
}

func (h *Handler) release(r *http.Request) (string, any, error) {
	snap := h.snapshot()
	version := r.PathValue("version")
	if _, err := terminology.ParseVersion(version); err != nil {
		return "", nil, badRequest("%q is not a release version: give one as YYYY-MM, for example %s.", version, snap.Latest().Version)
	}
	rel, err := snap.Version(version)
	if err != nil {
		e := &httpError{status: http.StatusNotFound, msg: "Release " + version + " is not loaded here. The loaded releases:"}
		for _, v := range snap.Versions() {
			e.links = append(e.links, link{"/browse/release/" + v, v})
		}
		return "", nil, e
	}
	q, err := parseReleaseQuery(r.URL.Query())
	if err != nil {
		return "", nil, err
	}
	p := releasePage{Version: version, Counts: rel.Counts(), Notes: len(rel.ProcessingNotes), Filtered: len(q.Kinds) > 0,
		AllHref: q.url(version, nil, 1), SearchURL: "/browse?release=" + url.QueryEscape(version)}
	p.CodeSystemJSON = h.fhirBase + "/CodeSystem/hcpcs-" + version
	p.CodeSystemXML = p.CodeSystemJSON + "?_format=xml"
	vs := snap.Versions()
	if i := slices.Index(vs, version); i+1 < len(vs) {
		p.Next = vs[i+1]
	}
	hist := snap.History()
	if p.Previous, err = hist.Previous(version); err != nil {
		return "", nil, err
	}
	if p.Previous == "" {
		return "release", p, nil
	}
	diff, err := hist.Diff(p.Previous, version)
	if err != nil {
		return "", nil, err
	}
	p.Unloaded = diff.Unloaded
	counts := diff.Counts()
	for _, k := range terminology.ChangeKinds {
		p.Kinds = append(p.Kinds, kindCount{Kind: string(k), Label: kindLabels[k], Count: counts[k],
			Href: q.url(version, []terminology.ChangeKind{k}, 1), Selected: slices.Contains(q.Kinds, k)})
	}
	changes := diff.Filter(q.Kinds...)
	p.Total = len(changes)
	start := (q.Page - 1) * diffPageSize
	if start > 0 && start >= len(changes) {
		return "", nil, badRequest("page %d is beyond the last page of this list (%d changes, %d a page).", q.Page, len(changes), diffPageSize)
	}
	end := min(start+diffPageSize, len(changes))
	p.First, p.Last = start+1, end
	for _, ch := range changes[start:end] {
		p.Changes = append(p.Changes, newChangeRow(ch, version))
	}
	if q.Page > 1 {
		p.PrevPage = q.url(version, q.Kinds, q.Page-1)
	}
	if end < len(changes) {
		p.NextPage = q.url(version, q.Kinds, q.Page+1)
	}
	p.DiffJSON = h.fhirBase + "/CodeSystem/$history?from=" + url.QueryEscape(p.Previous) + "&to=" + url.QueryEscape(version)
	for _, k := range q.Kinds {
		p.DiffJSON += "&kind=" + url.QueryEscape(string(k))
	}
	p.DiffXML = p.DiffJSON + "&_format=xml"
	return "release", p, nil
}

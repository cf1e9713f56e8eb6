package fhir_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// paramNode is a Parameters parameter (or part) as the tests read it back.
type paramNode struct {
	Name          string      `json:"name"`
	ValueString   *string     `json:"valueString"`
	ValueCode     *string     `json:"valueCode"`
	ValueUri      *string     `json:"valueUri"`
	ValueInteger  *int        `json:"valueInteger"`
	ValueBoolean  *bool       `json:"valueBoolean"`
	ValueDateTime *string     `json:"valueDateTime"`
	ValueCoding   *codingNode `json:"valueCoding"`
	Part          []paramNode `json:"part"`
}

type codingNode struct{ System, Code, Display string }

// text is the node's primitive value as a string.
func (n paramNode) text() string {
	for _, v := range []*string{n.ValueString, n.ValueCode, n.ValueUri, n.ValueDateTime} {
		if v != nil {
			return *v
		}
	}
	return ""
}

func (n paramNode) all(name string) []paramNode {
	var out []paramNode
	for _, p := range n.Part {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

func (n paramNode) first(name string) paramNode {
	if xs := n.all(name); len(xs) > 0 {
		return xs[0]
	}
	return paramNode{}
}

func readParameters(t *testing.T, rec interface{ Result() *http.Response }, body []byte) paramNode {
	t.Helper()
	require.Equal(t, http.StatusOK, rec.Result().StatusCode, string(body))
	var p struct {
		ResourceType string      `json:"resourceType"`
		Parameter    []paramNode `json:"parameter"`
	}
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, "Parameters", p.ResourceType)
	return paramNode{Part: p.Parameter}
}

// changeOf reads a rendered change back into the domain's form.
func changeOf(t *testing.T, n paramNode, code string) terminology.Change {
	t.Helper()
	ch := terminology.Change{Code: code, Kind: terminology.ChangeKind(n.first("kind").text()), Property: n.first("property").text(),
		Old: n.first("old").text(), New: n.first("new").text(), WhitespaceOnly: n.first("whitespace-only").ValueBoolean != nil}
	if c := n.first("code"); c.ValueCode != nil {
		ch.Code = *c.ValueCode
	}
	if a := n.first("action-code").ValueCoding; a != nil {
		require.Equal(t, terminology.SupplementURL("action-code"), a.System)
		require.NotEmpty(t, a.Display, "the action code %s carries its CMS meaning", a.Code)
		ch.ActionCode = a.Code
	}
	if d := n.first("action-effective-date").text(); d != "" {
		at, err := time.Parse(time.DateOnly, d)
		require.NoError(t, err)
		ch.ActionEffective = at
	}
	return ch
}

func historyURL(q string) string { return "/fhir/CodeSystem/$history?" + q }

// A release diff renders every change of the domain's diff, in its order,
// with the unloaded quarters between the two releases.
func TestHistoryReleaseDiff(t *testing.T) {
	testEngine(t)
	want, err := fixture.store.Snapshot().History().Diff("2023-01", "2025-10")
	require.NoError(t, err)
	require.NotEmpty(t, want.Changes)

	for _, target := range []string{
		historyURL(""), // the latest and the release before it
		historyURL("from=2023-01&to=2025-10&system=" + url.QueryEscape(terminology.SystemURL)),
		"/fhir/CodeSystem/hcpcs-2025-10/$history",
	} {
		rec := doRequest(t, http.MethodGet, target, "", nil)
		p := readParameters(t, rec, rec.Body.Bytes())
		require.Equal(t, terminology.SystemURL, p.first("system").text(), target)
		require.Equal(t, "2023-01", p.first("from").text())
		require.Equal(t, "2025-10", p.first("to").text())
		var unloaded []string
		for _, u := range p.all("unloaded") {
			unloaded = append(unloaded, u.text())
		}
		require.Equal(t, want.Unloaded, unloaded)
		require.Len(t, unloaded, 10, "2023-04 … 2025-07")
		changes := p.all("change")
		require.Equal(t, len(want.Changes), *p.first("total").ValueInteger)
		require.Len(t, changes, len(want.Changes))
		for i, c := range changes {
			require.Equal(t, want.Changes[i], changeOf(t, c, ""), "change %d", i)
		}
	}

	// Filtered by kind, repeated or comma-separated.
	for _, q := range []string{"kind=terminated&kind=reinstated", "kind=terminated,reinstated"} {
		rec := doRequest(t, http.MethodGet, historyURL(q), "", nil)
		p := readParameters(t, rec, rec.Body.Bytes())
		filtered := want.Filter(terminology.ChangeTerminated, terminology.ChangeReinstated)
		require.Len(t, p.all("change"), len(filtered), q)
		require.Equal(t, len(filtered), *p.first("total").ValueInteger)
		for i, c := range p.all("change") {
			require.Equal(t, filtered[i], changeOf(t, c, ""))
		}
	}
}

// One code's history lists every loaded release with the code's state in
// it; A9513's ASC date moved between 2023-01 and 2025-10.
func TestHistoryOfACode(t *testing.T) {
	testEngine(t)
	snap := fixture.store.Snapshot()
	ch, ok := snap.History().Code("A9513")
	require.True(t, ok)
	for _, target := range []string{historyURL("code=A9513"), "/fhir/CodeSystem/hcpcs-2025-10/$history?code=A9513"} {
		rec := doRequest(t, http.MethodGet, target, "", nil)
		p := readParameters(t, rec, rec.Body.Bytes())
		require.Equal(t, "A9513", p.first("code").text())
		releases := p.all("release")
		require.Len(t, releases, 2)
		for i, r := range releases {
			require.Equal(t, ch.Releases[i].Version, r.first("version").text())
			require.Equal(t, "active", r.first("status").text())
			require.Equal(t, ch.Releases[i].Concept.LongDescription, r.first("display").text())
			var changes []terminology.Change
			for _, c := range r.all("change") {
				changes = append(changes, changeOf(t, c, "A9513"))
			}
			require.Equal(t, ch.Releases[i].Changes, changes)
		}
		require.Len(t, releases[1].all("unloaded"), 10)
		require.Contains(t, ch.Releases[1].Changes, terminology.Change{Code: "A9513", Kind: terminology.ChangeProperty, Property: "asc-effective-date",
			Old: "2019-01-01", New: "2025-01-01", ActionCode: "N", ActionEffective: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	}

	// Up to a release: the code as of 2023-01 has no later changes.
	rec := doRequest(t, http.MethodGet, "/fhir/CodeSystem/hcpcs-2023-01/$history?code=A9513", "", nil)
	p := readParameters(t, rec, rec.Body.Bytes())
	require.Len(t, p.all("release"), 1)

	// POST takes the same parameters.
	body := `{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"A9513"},{"name":"kind","valueCode":"property"}]}`
	rec = doRequest(t, http.MethodPost, "/fhir/CodeSystem/$history", body, nil)
	p = readParameters(t, rec, rec.Body.Bytes())
	require.Len(t, p.all("release")[1].all("change"), len(ch.Releases[1].Changes))
}

// $lookup gives the history only when asked for it by name.
func TestLookupHistoryProperty(t *testing.T) {
	testEngine(t)
	ch, _ := fixture.store.Snapshot().History().Code("A9513")
	lookup := "/fhir/CodeSystem/$lookup?system=" + url.QueryEscape(terminology.SystemURL) + "&code=A9513"
	histories := func(target string) []paramNode {
		rec := doRequest(t, http.MethodGet, target, "", nil)
		p := readParameters(t, rec, rec.Body.Bytes())
		var out []paramNode
		for _, prop := range p.all("property") {
			if prop.first("code").text() == "history" {
				out = append(out, prop)
			}
		}
		return out
	}
	require.Empty(t, histories(lookup), "not by default")
	require.Empty(t, histories(lookup+"&property=*"), "not for *")
	got := histories(lookup + "&property=history")
	require.Len(t, got, len(ch.Releases[1].Changes))
	for i, prop := range got {
		want := ch.Releases[1].Changes[i]
		require.Equal(t, string(want.Kind), prop.first("value").text())
		sub := map[string]paramNode{}
		for _, s := range prop.all("subproperty") {
			sub[s.first("code").text()] = s.first("value")
		}
		require.Equal(t, "2025-10", sub["version"].text())
		require.Equal(t, want.Property, sub["property"].text())
		require.Equal(t, want.Old, sub["old"].text())
		require.Equal(t, want.New, sub["new"].text())
		require.Equal(t, want.ActionCode, sub["action-code"].ValueCoding.Code)
		require.Equal(t, strings.Count("2023-04 2023-07 2023-10 2024-01 2024-04 2024-07 2024-10 2025-01 2025-04 2025-07", " ")+1,
			len(strings.Split(sub["unloaded"].text(), ", ")))
	}
	require.Empty(t, histories(lookup+"&property=history&version=2023-01"), "as of 2023-01, nothing has changed yet")
}

func TestHistoryBadRequests(t *testing.T) {
	tests := []struct {
		target string
		status int
		text   string
	}{
		{historyURL("kind=bogus"), 400, `unknown change kind "bogus"`},
		{historyURL("from=2020-13"), 400, "Parameter `from`: a release is named YYYY-MM"},
		{historyURL("to=25-10"), 400, "Parameter `to`: a release is named YYYY-MM"},
		{historyURL("from=2025-10&to=2023-01"), 400, "`from` (2025-10) must be an older release than `to` (2023-01)"},
		{historyURL("from=2023-01&to=2023-01"), 400, "must be an older release"},
		{historyURL("to=2023-01"), 400, "Release 2023-01 is the oldest loaded"},
		{historyURL("from=2024-01&to=2025-10"), 404, "version '2024-01' could not be found"},
		{historyURL("code=ZZZZZ"), 404, "Unknown code 'ZZZZZ'"},
		{historyURL("code=A9513&to=2099-01"), 404, "version '2099-01' could not be found"},
		{historyURL("code=A9513&from=2023-01"), 400, "`from` does not apply to a code's history"},
		{historyURL("system=http%3A%2F%2Floinc.org"), 404, "There is no release history of http://loinc.org"},
		{historyURL("code=A9513&code=A9514"), 400, "at most once"},
		{"/fhir/CodeSystem/hcpcs-2025-10/$history?to=2023-01", 400, "contradicts CodeSystem/hcpcs-2025-10"},
		{"/fhir/CodeSystem/hcpcs-betos/$history", 404, "has no release history"},
	}
	for _, tt := range tests {
		rec := doRequest(t, http.MethodGet, tt.target, "", nil)
		require.Equal(t, tt.status, rec.Code, tt.target)
		var oo struct {
			ResourceType string `json:"resourceType"`
			Issue        []struct {
				Details struct{ Text string } `json:"details"`
			} `json:"issue"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &oo), tt.target)
		require.Equal(t, "OperationOutcome", oo.ResourceType)
		require.Contains(t, oo.Issue[0].Details.Text, tt.text, tt.target)
	}
}

// The operation is declared, and its definition is served.
func TestHistoryDeclared(t *testing.T) {
	rec := doRequest(t, http.MethodGet, "/fhir/metadata", "", nil)
	require.Contains(t, rec.Body.String(), `"name":"history","definition":"`+testBaseURL+`/OperationDefinition/history"`)
	rec = doRequest(t, http.MethodGet, "/fhir/OperationDefinition/history", "", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	var od struct {
		Code      string   `json:"code"`
		Resource  []string `json:"resource"`
		Type      bool     `json:"type"`
		Instance  bool     `json:"instance"`
		Parameter []struct {
			Name, Use string
		} `json:"parameter"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &od))
	require.Equal(t, "history", od.Code)
	require.Equal(t, []string{"CodeSystem"}, od.Resource)
	require.True(t, od.Type && od.Instance)
	in := map[string]bool{}
	for _, p := range od.Parameter {
		if p.Use == "in" {
			in[p.Name] = true
		}
	}
	require.Equal(t, map[string]bool{"system": true, "code": true, "from": true, "to": true, "kind": true}, in)
}

// BenchmarkHistoryHandler: one code's history and the full release diff
// (2023-01 → 2025-10, about 2,000 changes) through the handler, rendered as
// JSON; the response cache is not in front of the engine.
func BenchmarkHistoryHandler(b *testing.B) {
	e := testEngine(b)
	for _, bc := range []struct{ name, target string }{
		{"code", historyURL("code=A9513")},
		{"release-diff", historyURL("from=2023-01&to=2025-10")},
		{"release-diff-xml", historyURL("from=2023-01&to=2025-10&_format=xml")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec := serve(e, http.MethodGet, bc.target, "", nil); rec.Code != http.StatusOK {
					b.Fatal(rec.Body.String())
				}
			}
		})
	}
}

package browse

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// maxCodeLength bounds what is looked up as a code: HCPCS codes have five
// characters and modifiers two.
const maxCodeLength = 16

// codePage is the data of the code template.
type codePage struct {
	Code, Version string
	// Notice explains which release is shown when none was asked for and
	// the latest does not list the code.
	Notice          string
	Display, Short  string
	Kind            string
	Terminated      bool
	TerminationDate string
	Note            *noteText
	Properties      []propertyRow
	History         []historyEntry
	LookupJSON, LookupXML,
	HistoryJSON, HistoryXML string
}

func (p codePage) title() string { return p.Code + " – " + p.Short + " (HCPCS " + p.Version + ")" }

// noteText is a processing note's text, and the release whose proc_notes
// file gave it when that is not the release shown.
type noteText struct {
	Number, Text, From string
}

// propertyRow is one property of the code with its values.
type propertyRow struct {
	Code, Columns, Description string
	Values                     []propertyValue
}

// propertyValue is one value, its CMS meaning, and for a cross-reference
// the code's page.
type propertyValue struct {
	Value, Meaning, Href string
}

// historyEntry is the code in one loaded release.
type historyEntry struct {
	Version  string
	Href     string // the code's page in that release; "" when absent
	Status   string
	Shown    bool // the release the page shows
	Previous string
	Unloaded []string
	Changes  []changeRow
}

// changeRow is one change as a page lists it.
type changeRow struct {
	Code, Href     string
	Kind           string
	Label          string
	Property       string
	Old, New       string
	WhitespaceOnly bool
	Action         string // ACTION CD and its CMS meaning
	ActionDate     string
}

// validCode reports whether s can be a code at all: letters and digits.
func validCode(s string) bool {
	if s == "" || len(s) > maxCodeLength {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (h *Handler) code(r *http.Request) (string, any, error) {
	snap := h.snapshot()
	code := r.PathValue("code")
	if !validCode(code) {
		return "", nil, badRequest("%q is not a HCPCS code: codes are letters and digits, such as J1100 or the modifier LT.", code)
	}
	hist, ok := snap.History().Code(code)
	if !ok {
		err := &httpError{status: http.StatusNotFound, msg: "No loaded HCPCS release lists the code " + code + "."}
		if up := strings.ToUpper(code); up != code {
			if _, found := snap.History().Code(up); found {
				err.msg += " HCPCS codes are upper case."
				err.links = []link{{codeURL(up, ""), "Show " + up}}
			}
		}
		err.links = append(err.links, link{"/browse?q=" + url.QueryEscape(code), "Search for " + code})
		return "", nil, err
	}
	p := codePage{Code: code}
	release, c, err := h.pickRelease(snap, hist, r.URL.Query().Get("release"), &p)
	if err != nil {
		return "", nil, err
	}
	p.Version, p.Display, p.Short, p.Kind = release.Version, c.LongDescription, c.ShortDescription, c.Kind.String()
	p.Terminated, p.TerminationDate = c.Terminated(), day(c.TerminationDate)
	p.Properties = propertyRows(release, c)
	p.Note = processingNote(snap, release, c)
	p.History = historyEntries(hist, release.Version)
	p.LookupJSON = h.fhirBase + "/CodeSystem/$lookup?system=" + terminology.SystemURL + "&code=" + url.QueryEscape(code) +
		"&version=" + url.QueryEscape(release.Version) + "&property=*"
	p.LookupXML = p.LookupJSON + "&_format=xml"
	p.HistoryJSON = h.fhirBase + "/CodeSystem/$history?code=" + url.QueryEscape(code)
	p.HistoryXML = p.HistoryJSON + "&_format=xml"
	return "code", p, nil
}

// pickRelease finds the release the page shows: the one asked for, or the
// newest that lists the code.
func (h *Handler) pickRelease(snap *terminology.Snapshot, hist *terminology.CodeHistory, asked string, p *codePage) (*terminology.Release, *terminology.Concept, error) {
	var present []link
	for i := len(hist.Releases) - 1; i >= 0; i-- {
		if e := hist.Releases[i]; e.Concept != nil {
			present = append(present, link{codeURL(hist.Code, e.Version), hist.Code + " in " + e.Version})
		}
	}
	if asked == "" {
		for i := len(hist.Releases) - 1; i >= 0; i-- {
			if e := hist.Releases[i]; e.Concept != nil {
				rel, err := snap.Version(e.Version)
				if err != nil {
					return nil, nil, err
				}
				if rel != snap.Latest() {
					p.Notice = "The latest loaded release, " + snap.Latest().Version + ", does not list " + hist.Code + "; this is the newest release that does."
				}
				return rel, e.Concept, nil
			}
		}
	}
	if _, err := terminology.ParseVersion(asked); err != nil {
		return nil, nil, badRequest("The release %q is not a release version: give one as YYYY-MM, for example 2025-10.", asked)
	}
	rel, err := snap.Version(asked)
	if err != nil {
		return nil, nil, notFound("Release %s is not loaded here; the loaded releases are %s.", asked, strings.Join(snap.Versions(), ", "))
	}
	c, ok := rel.Concept(hist.Code)
	if !ok {
		return nil, nil, &httpError{status: http.StatusNotFound, msg: "Release " + asked + " does not list " + hist.Code + ". The releases that do:", links: present}
	}
	return rel, c, nil
}

func propertyRows(rel *terminology.Release, c *terminology.Concept) []propertyRow {
	var rows []propertyRow
	for _, pv := range rel.Properties(c, time.Time{}) {
		if n := len(rows); n == 0 || rows[n-1].Code != pv.Def.Code {
			rows = append(rows, propertyRow{Code: pv.Def.Code, Columns: pv.Def.Columns, Description: pv.Def.Description})
		}
		v := propertyValue{Value: pv.Code, Meaning: pv.Display}
		switch pv.Def.Code {
		case "inactive":
			v.Value = "false"
			if pv.Bool {
				v.Value = "true"
			}
		case "cross-reference":
			v.Href = codeURL(pv.Code, "")
			if _, ok := rel.Concept(pv.Code); ok {
				v.Href = codeURL(pv.Code, rel.Version)
			}
		case "processing-note":
			v.Meaning = "" // the text has its own section
		}
		rows[len(rows)-1].Values = append(rows[len(rows)-1].Values, v)
	}
	return rows
}

// processingNote is the text of the code's processing note: from the
// release shown, or else from the newest loaded release whose proc_notes
// file has it (CMS stopped shipping the file after 2020-01).
func processingNote(snap *terminology.Snapshot, rel *terminology.Release, c *terminology.Concept) *noteText {
	if c.ProcessingNote == "" || c.ProcessingNote == "0000" {
		return nil
	}
	n := &noteText{Number: c.ProcessingNote}
	if t, ok := rel.ProcessingNotes[c.ProcessingNote]; ok {
		n.Text = t
		return n
	}
	rs := snap.Releases()
	for i := len(rs) - 1; i >= 0; i-- {
		if t, ok := rs[i].ProcessingNotes[c.ProcessingNote]; ok {
			n.Text, n.From = t, rs[i].Version
			return n
		}
	}
	return n
}

func historyEntries(hist *terminology.CodeHistory, shown string) []historyEntry {
	out := make([]historyEntry, len(hist.Releases))
	for i, e := range hist.Releases {
		he := historyEntry{Version: e.Version, Status: string(e.Status), Shown: e.Version == shown, Unloaded: e.Unloaded}
		if e.Concept != nil {
			he.Href = codeURL(hist.Code, e.Version)
		}
		if i > 0 {
			he.Previous = hist.Releases[i-1].Version
		}
		for _, ch := range e.Changes {
			he.Changes = append(he.Changes, newChangeRow(ch, e.Version))
		}
		out[i] = he
	}
	return out
}

// kindLabels name the change kinds for people.
var kindLabels = map[terminology.ChangeKind]string{
	terminology.ChangeAdded:            "Added",
	terminology.ChangeRemoved:          "Removed from the file",
	terminology.ChangeTerminated:       "Terminated",
	terminology.ChangeReinstated:       "Reinstated",
	terminology.ChangeLongDescription:  "Long description changed",
	terminology.ChangeShortDescription: "Short description changed",
	terminology.ChangeProperty:         "Property changed",
}

func newChangeRow(ch terminology.Change, version string) changeRow {
	row := changeRow{Code: ch.Code, Href: codeURL(ch.Code, version), Kind: string(ch.Kind), Label: kindLabels[ch.Kind],
		Property: ch.Property, Old: ch.Old, New: ch.New, WhitespaceOnly: ch.WhitespaceOnly, ActionDate: day(ch.ActionEffective)}
	if ch.Kind == terminology.ChangeRemoved {
		row.Href = codeURL(ch.Code, "") // the newest release that lists it
	}
	if ch.ActionCode != "" {
		row.Action = ch.ActionCode
		if m, ok := terminology.ActionCodeTable.Meaning(ch.ActionCode); ok {
			row.Action += " – " + m
		}
	}
	return row
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

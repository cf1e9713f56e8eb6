package terminology

import (
	"fmt"
	"sort"
	"strings"
)

// SupplementBaseURL is the namespace of the small code systems this server
// publishes to give CMS column values their meaning (pricing indicator,
// coverage, BETOS, …). CMS publishes the tables only as layout text, so the
// canonical URLs are ours: SupplementBaseURL + "hcpcs-" + table ID.
const SupplementBaseURL = "http://hcpcs-server.org/fhir/CodeSystem/"

// SupplementURL is the canonical URL of a supplementary code system.
func SupplementURL(tableID string) string { return SupplementBaseURL + "hcpcs-" + tableID }

// DesignationUseTable defines the designation use of the short description:
// no standard use code exists for it.
var DesignationUseTable = &CodeTable{
	ID:          "designation-use",
	Title:       "HCPCS Designation Use",
	Column:      "SHORT DESCRIPTION",
	Description: "How a HCPCS description is used: the short description of at most 28 characters that CMS publishes beside the long description.",
	Entries: []CodeTableEntry{
		{Code: "short-description", Meaning: "Short description (28 characters or less)"},
	},
}

// ShortDescriptionUse is the designation use Coding code of the short description.
const ShortDescriptionUse = "short-description"

// processingNotesTable merges the notes of every release that ships a
// proc_notes file; for a note number found in several, the newest text wins.
func processingNotesTable(releases []*Release) *CodeTable {
	merged := map[string]string{}
	for _, r := range releases { // oldest first: newer texts overwrite
		for k, v := range r.ProcessingNotes {
			merged[k] = v
		}
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := &CodeTable{
		ID:          ProcessingNoteTableID,
		Title:       "HCPCS Processing Note",
		Column:      "PROCNOTE",
		Description: "Processing notes of the HCPCS manual, by number, as shipped in the proc_notes files of the loaded releases (the newest text of each note).",
	}
	for _, k := range keys {
		t.Entries = append(t.Entries, CodeTableEntry{Code: k, Meaning: merged[k]})
	}
	return t
}

// Supplements returns every supplementary code table this snapshot serves.
func (s *Snapshot) Supplements() []*CodeTable {
	s.suppOnce.Do(func() {
		s.supplements = append(append([]*CodeTable(nil), CodeTables()...), processingNotesTable(s.releases), DesignationUseTable)
	})
	return s.supplements
}

// SupplementByURL finds a supplementary code table by its canonical URL.
func (s *Snapshot) SupplementByURL(url string) (*CodeTable, bool) {
	id, ok := strings.CutPrefix(url, SupplementBaseURL+"hcpcs-")
	if !ok {
		return nil, false
	}
	return s.SupplementByID(id)
}

// SupplementByID finds a supplementary code table by its ID.
func (s *Snapshot) SupplementByID(id string) (*CodeTable, bool) {
	for _, t := range s.Supplements() {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

// UnknownSupplementCodeError is returned for a code a supplementary table lacks.
type UnknownSupplementCodeError struct {
	Code  string
	Table *CodeTable
}

func (e *UnknownSupplementCodeError) Error() string {
	return fmt.Sprintf("Unable to find code '%s' in %s", e.Code, SupplementURL(e.Table.ID))
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *UnknownSupplementCodeError) Unwrap() error { return ErrNotFound }

// Entry returns the table entry with this code.
func (t *CodeTable) Entry(code string) (CodeTableEntry, bool) { return t.lookup(code) }

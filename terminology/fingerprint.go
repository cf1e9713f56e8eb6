package terminology

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// fingerprintVersion changes whenever what is hashed, or how, changes.
const fingerprintVersion = "hcpcs-fingerprint-1"

// Fingerprint is a content hash of the data the snapshot serves: every
// release's version, effective date, source file names (not their
// directories, which differ between replicas), processing notes and every
// field of every concept, in order; and every supplementary code table.
// Two snapshots loaded from the same files, on any machine, have the same
// fingerprint; any change to the data gives another. Response caches put it
// in their keys, so a reload can never serve an answer computed from other
// data.
//
// It is computed once per snapshot, on first use (about 10 ms per release),
// and is 64 hex digits.
func (s *Snapshot) Fingerprint() string {
	s.fingerprintOnce.Do(func() { s.fingerprint = computeFingerprint(s) })
	return s.fingerprint
}

func computeFingerprint(s *Snapshot) string {
	h := sha256.New()
	var w fpWriter
	w.str(fingerprintVersion)
	w.int(len(s.releases))
	for _, r := range s.releases {
		w.str(r.Version)
		w.time(r.Effective)
		w.int(len(r.Sources))
		for _, src := range r.Sources {
			w.str(src[strings.LastIndexAny(src, `/\`)+1:])
		}
		notes := make([]string, 0, len(r.ProcessingNotes))
		for k := range r.ProcessingNotes {
			notes = append(notes, k)
		}
		sort.Strings(notes)
		w.int(len(notes))
		for _, k := range notes {
			w.str(k)
			w.str(r.ProcessingNotes[k])
		}
		w.int(len(r.Concepts))
		for _, c := range r.Concepts {
			w.concept(c)
			if len(w.buf) > 32<<10 {
				h.Write(w.buf)
				w.buf = w.buf[:0]
			}
		}
	}
	supp := s.Supplements()
	w.int(len(supp))
	for _, t := range supp {
		w.str(t.ID)
		w.str(t.Title)
		w.str(t.Column)
		w.str(t.Description)
		w.str(t.Blank)
		w.int(len(t.Entries))
		for _, e := range t.Entries {
			w.str(e.Code)
			w.str(e.Meaning)
			w.str(e.Parent)
		}
	}
	// Loaded value sets by their source: what is served on read, and what
	// every expansion is computed from.
	vss := s.valueSets.All()
	w.int(len(vss))
	for _, vs := range vss {
		w.str(vs.Canonical())
		w.str(vs.ID)
		w.str(string(vs.Source))
	}
	h.Write(w.buf)
	return hex.EncodeToString(h.Sum(nil))
}

// fpWriter encodes values unambiguously: every string and list is preceded
// by its length.
type fpWriter struct{ buf []byte }

func (w *fpWriter) int(n int) { w.buf = binary.AppendVarint(w.buf, int64(n)) }

func (w *fpWriter) str(s string) {
	w.int(len(s))
	w.buf = append(w.buf, s...)
}

func (w *fpWriter) strs(ss []string) {
	w.int(len(ss))
	for _, s := range ss {
		w.str(s)
	}
}

func (w *fpWriter) time(t time.Time) {
	if t.IsZero() {
		w.int(0)
		return
	}
	w.int(1)
	w.buf = binary.AppendVarint(w.buf, t.UnixNano())
}

// concept hashes every field of a Concept, in declaration order.
// TestFingerprintCoversEveryConceptField fails when a field is added to
// Concept and not here.
func (w *fpWriter) concept(c *Concept) {
	w.str(c.Code)
	w.int(int(c.Kind))
	w.str(c.LongDescription)
	w.str(c.ShortDescription)
	w.strs(c.PricingIndicators)
	w.str(c.MultiplePricingIndicator)
	w.strs(c.CoverageIssuesManual)
	w.strs(c.MedicareCarriersManual)
	w.str(c.Statute)
	w.strs(c.LabCertifications)
	w.strs(c.CrossReferences)
	w.str(c.Coverage)
	w.str(c.ASCPaymentGroup)
	w.time(c.ASCEffectiveDate)
	w.str(c.OPPSPaymentGroup)
	w.str(c.OPPSPaymentIndicator)
	w.time(c.OPPSEffectiveDate)
	w.str(c.ProcessingNote)
	w.str(c.BETOS)
	w.strs(c.TypesOfService)
	if c.AnesthesiaBaseUnits == nil {
		w.int(0)
	} else {
		w.int(1)
		w.int(*c.AnesthesiaBaseUnits)
	}
	w.time(c.AddedDate)
	w.time(c.ActionEffectiveDate)
	w.time(c.TerminationDate)
	w.str(c.ActionCode)
}

package terminology

import (
	"fmt"
	"time"
)

// Selector picks the release a request is answered from: an explicit
// version wins; otherwise the release in effect on Date; otherwise the latest.
type Selector struct {
	Version string
	Date    time.Time // zero: no date given
}

// Select returns the release the selector names.
func (s *Snapshot) Select(sel Selector) (*Release, error) {
	if sel.Version != "" {
		return s.Version(sel.Version)
	}
	if !sel.Date.IsZero() {
		return s.OnDate(sel.Date)
	}
	return s.Latest(), nil
}

// UnknownCodeError is returned when a release has no such code. Hint, when
// set, is the code that was probably meant (HCPCS is case-sensitive).
type UnknownCodeError struct {
	Code, Version, Hint string
}

func (e *UnknownCodeError) Error() string {
	msg := fmt.Sprintf("Unable to find code '%s' in %s version '%s'", e.Code, SystemURL, e.Version)
	if e.Hint != "" {
		msg += fmt.Sprintf(" (HCPCS codes are case-sensitive: did you mean '%s'?)", e.Hint)
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *UnknownCodeError) Unwrap() error { return ErrNotFound }

// LookupResult is what $lookup reports about one concept.
type LookupResult struct {
	Release    *Release
	Concept    *Concept
	AsOf       time.Time // the date asked for, or zero
	Properties []PropertyValue
}

// Lookup finds code in the selected release and computes its properties as
// of the selector's date.
func (s *Snapshot) Lookup(code string, sel Selector) (*LookupResult, error) {
	rel, err := s.Select(sel)
	if err != nil {
		return nil, err
	}
	c, ok := rel.Concept(code)
	if !ok {
		e := &UnknownCodeError{Code: code, Version: rel.Version}
		e.Hint, _ = rel.CaseHint(code)
		return nil, e
	}
	return &LookupResult{Release: rel, Concept: c, AsOf: sel.Date, Properties: rel.Properties(c, sel.Date)}, nil
}

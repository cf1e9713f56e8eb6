package valueset

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Resolver finds the code systems and value sets a definition refers to:
// the server's content, and later a request's own tx-resources laid over it.
type Resolver interface {
	// CodeSystem returns the named version of a system, or, for an empty
	// version, its default as of ref.Date (zero: the latest). An unknown
	// system or version is an *UnknownSystemError.
	CodeSystem(ref SystemRef) (CodeSystem, error)
	// ValueSet resolves a canonical, url or url|version. An unknown one is
	// an *UnknownValueSetError.
	ValueSet(canonical string) (*ValueSet, error)
}

// SystemRef names a code system version to resolve.
type SystemRef struct {
	URL, Version string
	// Date picks the default version (the one in effect on that day) and
	// the status of concepts (inactive after their end); zero means the
	// latest and the status as published.
	Date time.Time
}

// Options are the request parameters that change evaluation.
type Options struct {
	// Date is the request's date (HCPCS: the date of service).
	Date time.Time
	// ActiveOnly leaves inactive concepts out.
	ActiveOnly bool
	// SystemVersion is the default version per system URL
	// (system-version); ForceVersion overrides even a version the compose
	// names (force-system-version); CheckVersion is the version a compose
	// must name or resolve to, else an error (check-system-version).
	SystemVersion, ForceVersion, CheckVersion map[string]string
	// ValueSetVersion is the version per value set URL that an import
	// naming none takes (default-valueset-version).
	ValueSetVersion map[string]string
	// DefaultsUnversionedOnly: SystemVersion is the system-version
	// parameter of $expand, which only an include naming no version takes;
	// a version pattern in the compose (1.x) resolves to the newest version
	// it allows, as tx.fhir.org does (FHIRsmith tx/workers/worker.js,
	// determineVersionBase). Without it, SystemVersion is the version a
	// validated coding resolved to, which a pattern that allows it takes.
	DefaultsUnversionedOnly bool
}

// Compiled is a value set ready for membership questions and expansion.
type Compiled struct {
	ValueSet *ValueSet
	include  []*conceptSet
	exclude  []*conceptSet
	// activeOnly: compose.inactive=false or the request's activeOnly.
	activeOnly bool
	// versionsMatch: the versions of a system count as one (versions.go).
	versionsMatch bool
	// mixedVersions: the compose names a system with different versions.
	mixedVersions bool
	// Systems lists the code system versions the evaluation used, in order
	// of first use (used-codesystem).
	Systems []Info
	// Imports lists the canonicals of imported value sets (used-valueset);
	// ImportedSets the value sets themselves, in the same order.
	Imports      []string
	ImportedSets []*ValueSet
	// ValueSetDefaults are the default-valueset-version entries
	// (url|version) that decided the version of an import; an expansion
	// echoes them (FHIRsmith tx/workers/worker.js, pinValueSet and
	// foundParameters).
	ValueSetDefaults []string
	systems          map[string]CodeSystem // by Info.Canonical

	indexMu sync.Mutex
	indexes map[string]*TextIndex // built for systems without their own
}

type conceptSet struct {
	cs       CodeSystem // nil: the set is only imported value sets
	info     Info
	codes    []string // listed concepts, in order
	listed   map[string]*ConceptReference
	preds    []Predicate
	imports  []*Compiled
	filtered bool
	// pinned: the compose names the version (expansion order, versions.go).
	pinned bool
}

// Compile resolves and checks a value set: every system, version, filter and
// import. Errors are *Error, *UnknownSystemError or *UnknownValueSetError.
func Compile(vs *ValueSet, r Resolver, opts Options) (*Compiled, error) {
	return compile(vs, r, opts, nil)
}

func compile(vs *ValueSet, r Resolver, opts Options, stack []string) (*Compiled, error) {
	canon := vs.Canonical()
	for _, s := range stack {
		if s == canon || (vs.URL != "" && s == vs.URL) {
			return nil, &Error{Kind: ErrInvalid, Code: "processing", TxType: "vs-invalid", MessageID: "VALUESET_CIRCULAR_REFERENCE",
				Text: fmt.Sprintf("The value set '%s' imports itself: %s", vs.URL, strings.Join(append(stack, canon), " → "))}
		}
	}
	stack = append(stack, canon)
	if len(vs.Contained) > 0 {
		r = containedResolver{Resolver: r, vs: vs}
	}
	if vs.Compose == nil {
		return nil, notSupportedf("ValueSet.compose", "The value set '%s' has no compose, so it cannot be evaluated here", canon)
	}
	if len(vs.Compose.Include) == 0 {
		return nil, invalidf("ValueSet.compose.include", "The compose of value set '%s' has no include", canon)
	}
	out := &Compiled{ValueSet: vs, activeOnly: opts.ActiveOnly || (vs.Compose.Inactive != nil && !*vs.Compose.Inactive),
		versionsMatch: versionsMatch(vs.Compose), mixedVersions: mixedVersions(vs.Compose)}
	date := opts.Date
	if !vs.Compose.LockedDate.IsZero() {
		date = vs.Compose.LockedDate
	}
	build := func(sets []ConceptSet, kind string) ([]*conceptSet, error) {
		var list []*conceptSet
		for i, s := range sets {
			cs, err := out.compileSet(s, fmt.Sprintf("ValueSet.compose.%s[%d]", kind, i), r, opts, date, stack)
			if err != nil {
				return nil, err
			}
			list = append(list, cs)
		}
		return list, nil
	}
	var err error
	if out.include, err = build(vs.Compose.Include, "include"); err != nil {
		return nil, err
	}
	if out.exclude, err = build(vs.Compose.Exclude, "exclude"); err != nil {
		return nil, err
	}
	return out, nil
}

func (out *Compiled) compileSet(s ConceptSet, path string, r Resolver, opts Options, date time.Time, stack []string) (*conceptSet, error) {
	set := &conceptSet{pinned: s.Version != ""}
	if s.System == "" {
		if len(s.Concepts) > 0 || len(s.Filters) > 0 {
			return nil, invalidf(path+".system", "%s lists concepts or filters but no system", path)
		}
		if s.Version != "" {
			return nil, invalidf(path+".version", "%s has a version but no system", path)
		}
		if len(s.ValueSets) == 0 {
			return nil, invalidf(path, "%s has neither a system nor a valueSet", path)
		}
	} else {
		cs, err := resolveSystem(s, r, opts, date)
		if err != nil {
			return nil, err
		}
		set.cs, set.info = cs, cs.Info()
		out.useSystem(set.info, cs)
	}
	for i, c := range s.Concepts {
		if c.Code == "" {
			return nil, invalidf(fmt.Sprintf("%s.concept[%d].code", path, i), "%s.concept[%d] has no code", path, i)
		}
		if set.listed == nil {
			set.listed = map[string]*ConceptReference{}
		}
		if _, dup := set.listed[c.Code]; !dup {
			set.listed[c.Code] = &s.Concepts[i]
			set.codes = append(set.codes, c.Code)
		}
	}
	if len(s.Concepts) > 0 && len(s.Filters) > 0 {
		return nil, invalidf(path, "%s has both concepts and filters; FHIR allows one or the other (vsd-3)", path)
	}
	for i, f := range s.Filters {
		p, err := compileFilter(set.cs, f, fmt.Sprintf("%s.filter[%d]", path, i))
		if err != nil {
			return nil, err
		}
		set.preds = append(set.preds, p)
		set.filtered = true
	}
	for _, canon := range s.ValueSets {
		if v := opts.ValueSetVersion[canon]; v != "" && !strings.Contains(canon, "|") {
			canon += "|" + v
			out.useValueSetDefault(canon)
		}
		vs, err := r.ValueSet(canon)
		if err != nil {
			var unknown *UnknownValueSetError
			if errors.As(err, &unknown) {
				url, version, _ := strings.Cut(canon, "|")
				return nil, &UnknownImportError{URL: url, Version: version, Err: unknown}
			}
			return nil, err
		}
		sub, err := compile(vs, r, Options{Date: opts.Date, SystemVersion: opts.SystemVersion, ForceVersion: opts.ForceVersion,
			CheckVersion: opts.CheckVersion, ValueSetVersion: opts.ValueSetVersion, DefaultsUnversionedOnly: opts.DefaultsUnversionedOnly}, stack)
		if err != nil {
			return nil, err
		}
		for _, info := range sub.Systems {
			out.useSystem(info, sub.systems[info.Canonical()])
		}
		if !strings.HasPrefix(canon, "#") { // a contained set is part of this one
			out.Imports = append(out.Imports, vs.Canonical())
			out.ImportedSets = append(out.ImportedSets, vs)
		}
		for _, d := range sub.ValueSetDefaults {
			out.useValueSetDefault(d)
		}
		out.Imports = append(out.Imports, sub.Imports...)
		out.ImportedSets = append(out.ImportedSets, sub.ImportedSets...)
		set.imports = append(set.imports, sub)
	}
	return set, nil
}

func (out *Compiled) useValueSetDefault(canon string) {
	if !slices.Contains(out.ValueSetDefaults, canon) {
		out.ValueSetDefaults = append(out.ValueSetDefaults, canon)
	}
}

func (out *Compiled) useSystem(info Info, cs CodeSystem) {
	if out.systems == nil {
		out.systems = map[string]CodeSystem{}
	}
	if _, ok := out.systems[info.Canonical()]; ok {
		return
	}
	out.systems[info.Canonical()] = cs
	out.Systems = append(out.Systems, info)
}

// resolveSystem picks the version of an include's system: forced, else the
// compose's, else the request's default for the system, else the one in
// effect on date; and checks it against check-system-version.
func resolveSystem(s ConceptSet, r Resolver, opts Options, date time.Time) (CodeSystem, error) {
	version := s.Version
	if v := opts.ForceVersion[s.System]; v != "" {
		version = v
	} else if version == "" {
		version = opts.SystemVersion[s.System]
		if version == "" {
			// the newest version check-system-version allows, as
			// tx.fhir.org picks it (FHIRsmith determineVersionBase)
			version = opts.CheckVersion[s.System]
		}
	} else if v := opts.SystemVersion[s.System]; !opts.DefaultsUnversionedOnly && IsVersionPattern(version) && VersionMatches(version, v) {
		version = v // the coding's version is one the pattern allows
	}
	cs, err := r.CodeSystem(SystemRef{URL: s.System, Version: version, Date: date})
	if err != nil {
		return nil, err
	}
	info := cs.Info()
	if s.System != info.URL && version == s.Version { // an alias: the request's maps may use the canonical URL
		if v := opts.ForceVersion[info.URL]; v != "" && v != info.Version {
			return r.CodeSystem(SystemRef{URL: info.URL, Version: v, Date: date})
		}
		if v := opts.SystemVersion[info.URL]; v != "" && s.Version == "" && v != info.Version {
			return r.CodeSystem(SystemRef{URL: info.URL, Version: v, Date: date})
		}
	}
	for _, u := range []string{s.System, info.URL} {
		if want := opts.CheckVersion[u]; want != "" && !VersionMatches(want, info.Version) {
			return nil, &Error{Kind: ErrVersionCheck,
				Text: fmt.Sprintf("The version '%s' is not allowed for system '%s': required to be '%s' by a version-check parameter", info.Version, info.URL, want)}
		}
	}
	return cs, nil
}

// containedResolver resolves #id to a value set contained in vs.
type containedResolver struct {
	Resolver
	vs *ValueSet
}

func (c containedResolver) ValueSet(canonical string) (*ValueSet, error) {
	if id, ok := strings.CutPrefix(canonical, "#"); ok {
		for _, sub := range c.vs.Contained {
			if sub.ID == id {
				return sub, nil
			}
		}
	}
	return c.Resolver.ValueSet(canonical)
}

package valueset

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// compileFilter turns a compose filter into a predicate: the provider's own
// evaluation where it has one, else the generic evaluation over code,
// inactive and the declared properties. path locates the filter for errors.
func compileFilter(cs CodeSystem, f Filter, path string) (Predicate, error) {
	if f.Property == "" {
		return nil, invalidf(path+".property", "The filter %s has no property", path)
	}
	if !KnownOp(f.Op) {
		return nil, invalidf(path+".op", "The filter operator '%s' is not a FHIR filter operator (=, is-a, descendent-of, is-not-a, regex, in, not-in, generalizes, child-of, descendent-leaf, exists)", f.Op)
	}
	if f.Value == "" {
		system := ""
		if cs != nil {
			system = cs.Info().URL
		}
		return nil, &Error{Kind: ErrInvalid, Path: path, Code: "invalid", TxType: "vs-invalid", MessageID: "UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE",
			Text: fmt.Sprintf("The system %s filter with property = %s, op = %s has no value", system, f.Property, f.Op)}
	}
	if fl, ok := cs.(Filterer); ok {
		p, err := fl.Filter(f)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, ErrFilterNotHandled) {
			var e *Error
			if errors.As(err, &e) && (e.Path == "" || strings.HasPrefix(e.Path, ".")) {
				e.Path = path + e.Path
			}
			return nil, err
		}
	}
	return genericFilter(cs, f, path)
}

func genericFilter(cs CodeSystem, f Filter, path string) (Predicate, error) {
	info := cs.Info()
	switch f.Property {
	case "code", "concept":
		return ValuePredicate(f, path, func(c *Concept) []string { return []string{c.Code} })
	case "inactive":
		if f.Op != OpEqual {
			return nil, unsupportedOp(info, f, path, OpEqual)
		}
		want, err := boolValue(f, path)
		if err != nil {
			return nil, err
		}
		return func(c *Concept) bool { return c.Inactive == want }, nil
	}
	for _, d := range cs.PropertyDefinitions() {
		if d.Code != f.Property {
			continue
		}
		if len(d.Operators) > 0 && !slices.Contains(d.Operators, f.Op) {
			return nil, unsupportedOp(info, f, path, d.Operators...)
		}
		code := d.Code
		return ValuePredicate(f, path, func(c *Concept) []string {
			var out []string
			for _, pv := range cs.Properties(c) {
				if pv.Code == code {
					out = append(out, pv.Value)
				}
			}
			return out
		})
	}
	return nil, invalidf(path+".property", "The filter property '%s' is not defined by the CodeSystem '%s'%s", f.Property, info.Canonical(), knownProperties(cs))
}

func knownProperties(cs CodeSystem) string {
	names := []string{"code", "inactive"}
	for _, d := range cs.PropertyDefinitions() {
		if !slices.Contains(names, d.Code) {
			names = append(names, d.Code)
		}
	}
	return "; it filters on " + strings.Join(names, ", ")
}

func unsupportedOp(info Info, f Filter, path string, ops ...string) error {
	return invalidf(path+".op", "The filter operator '%s' is not supported for the property '%s' of the CodeSystem '%s'; supported: %s",
		f.Op, f.Property, info.Canonical(), strings.Join(ops, ", "))
}

func boolValue(f Filter, path string) (bool, error) {
	switch f.Value {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, invalidf(path+".value", "The filter '%s %s' needs the value true or false, not '%s'", f.Property, f.Op, f.Value)
}

// ValuePredicate evaluates the value operators (=, in, not-in, exists,
// regex) over the values that values returns for a concept: = and in hold
// when any value matches, not-in when none does, exists when there is (or,
// for false, is not) a value, and regex when any value matches the whole
// pattern. Providers use it for their own properties.
func ValuePredicate(f Filter, path string, values func(c *Concept) []string) (Predicate, error) {
	switch f.Op {
	case OpEqual:
		v := f.Value
		return func(c *Concept) bool { return slices.Contains(values(c), v) }, nil
	case OpIn, OpNotIn:
		set := map[string]bool{}
		for _, v := range SplitList(f.Value) {
			set[v] = true
		}
		in := func(c *Concept) bool {
			for _, v := range values(c) {
				if set[v] {
					return true
				}
			}
			return false
		}
		if f.Op == OpIn {
			return in, nil
		}
		return func(c *Concept) bool { return !in(c) }, nil
	case OpExists:
		want, err := boolValue(f, path)
		if err != nil {
			return nil, err
		}
		return func(c *Concept) bool { return (len(values(c)) > 0) == want }, nil
	case OpRegex:
		re, err := CompileRegex(f, path)
		if err != nil {
			return nil, err
		}
		return func(c *Concept) bool {
			for _, v := range values(c) {
				if re.MatchString(v) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, invalidf(path+".op", "The filter operator '%s' is not supported for the property '%s'; supported: =, in, not-in, exists, regex", f.Op, f.Property)
}

// CompileRegex compiles a filter's regex value so that it must match a
// value whole, as FHIR's regex operator means.
func CompileRegex(f Filter, path string) (*regexp.Regexp, error) {
	if _, err := syntax.Parse(f.Value, syntax.Perl); err != nil {
		reason := err.Error()
		var se *syntax.Error
		if errors.As(err, &se) {
			reason = fmt.Sprintf("%s: `%s`", se.Code, se.Expr)
		}
		return nil, invalidf(path+".value", "The regex '%s' of the filter on '%s' does not compile: %s", f.Value, f.Property, reason)
	}
	re, err := regexp.Compile(`^(?:` + f.Value + `)$`)
	if err != nil {
		return nil, invalidf(path+".value", "The regex '%s' of the filter on '%s' does not compile: %v", f.Value, f.Property, err)
	}
	return re, nil
}

// SplitList splits the value of an in or not-in filter: a comma-separated
// list, with blanks around the commas ignored.
func SplitList(v string) []string {
	parts := strings.Split(v, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

package main

// How the HL7 runner orders the server's answer before matching it in order
// against the template: TxTesterSorters.java
// (org.hl7.fhir.validation/src/main/java/org/hl7/fhir/validation/special/):
// sortParameters, sortValueSet, sortContainsFeatures, sortCapStmt,
// sortTermCaps and their comparators (ParameterSorter, OperationIssueSorter,
// ExtensionSorter, ExpParameterSorter, PropertyDefnSorter, ContainsSorter,
// DesignationSorter, PropertyValueSorter, …). Java's Collections.sort is
// stable and calls no comparator for fewer than two items, and the
// comparators sort the parts and extensions of the items they compare, so
// nested lists are only sorted inside lists of two or more. A comparator
// that would throw in Java (a property without a code, …) is an error here.

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"
)

// sortParameters sorts the parameters, then per parameter: the issues of an
// OperationOutcome, a nested Parameters, and the "; "-separated parts of a
// primitive "message" (which becomes a valueString).
func sortParameters(p map[string]any) error {
	ps := asArray(p["parameter"])
	if err := sortParameterList(ps); err != nil {
		return err
	}
	for _, x := range ps {
		pm, _ := x.(map[string]any)
		if r, ok := pm["resource"].(map[string]any); ok {
			switch r["resourceType"] {
			case "OperationOutcome":
				sortIssues(asArray(r["issue"]))
			case "Parameters":
				if err := sortParameters(r); err != nil {
					return err
				}
			}
		}
		if pm["name"] == "message" {
			if k, v, ok := primitiveValueOf(pm); ok && strings.Contains(v, "; ") {
				bits := javaSplit(v, "; ")
				slices.SortStableFunc(bits, javaCompare)
				delete(pm, k)
				pm["valueString"] = strings.Join(bits, "; ")
			}
		}
	}
	return nil
}

// sortParameterList is Collections.sort with ParameterSorter.
func sortParameterList(ps []any) error {
	if len(ps) < 2 {
		return nil
	}
	for _, x := range ps {
		pm, _ := x.(map[string]any)
		sortExtensionList(asArray(pm["extension"]))
		if err := sortParameterList(asArray(pm["part"])); err != nil {
			return err
		}
	}
	var err error
	sort.SliceStable(ps, func(i, j int) bool {
		c, e := compareParameters(ps[i], ps[j])
		if e != nil && err == nil {
			err = e
		}
		return c < 0
	})
	return err
}

func compareParameters(a, b any) (int, error) {
	na, nb := str(a, "name"), str(b, "name")
	if na == nb && na == "property" {
		ca, oka := partPrimitive(a, "code")
		cb, okb := partPrimitive(b, "code")
		if !oka || !okb {
			return 0, fmt.Errorf("sorting parameters: a property without a primitive code part (NullPointerException in ParameterSorter)")
		}
		if ca, cb = strings.ToLower(ca), strings.ToLower(cb); ca != cb {
			return javaCompare(ca, cb), nil
		}
		va, oka := partPrimitive(a, "value")
		vb, okb := partPrimitive(b, "value")
		if oka && okb {
			if va, vb = strings.ToLower(va), strings.ToLower(vb); va != vb {
				return javaCompare(va, vb), nil
			}
		}
	}
	if na == nb && na == "designation" {
		// The language decides; the value test of the Java code is on the
		// part itself, which never has a primitive value.
		la, _ := partPrimitive(a, "language")
		lb, _ := partPrimitive(b, "language")
		if la, lb = strings.ToLower(la), strings.ToLower(lb); la != lb {
			return javaCompare(la, lb), nil
		}
	}
	return javaCompare(na, nb), nil
}

// partPrimitive is the primitive value of the first part with that name.
func partPrimitive(p any, name string) (string, bool) {
	for _, x := range asArray(p.(map[string]any)["part"]) {
		if str(x, "name") == name {
			_, v, ok := primitiveValueOf(x.(map[string]any))
			return v, ok
		}
	}
	return "", false
}

// primitiveValueOf returns the key and text of a primitive value[x].
func primitiveValueOf(m map[string]any) (key, text string, ok bool) {
	for k, v := range m {
		if strings.HasPrefix(k, "value") && isJSONPrimitive(v) && v != nil {
			return k, fmt.Sprint(v), true
		}
	}
	return "", "", false
}

// sortExtensionList is ExtensionSorter: by url, nested extensions first.
func sortExtensionList(es []any) {
	if len(es) < 2 {
		return
	}
	for _, e := range es {
		sortExtensionList(asArray(e.(map[string]any)["extension"]))
	}
	sort.SliceStable(es, func(i, j int) bool { return javaCompare(str(es[i], "url"), str(es[j], "url")) < 0 })
}

// sortIssues is OperationIssueSorter: severity, code, first expression and
// details.text, each compared as text.
func sortIssues(is []any) {
	key := func(x any) []string {
		m, _ := x.(map[string]any)
		expr := ""
		if e := asArray(m["expression"]); len(e) > 0 {
			expr, _ = e[0].(string)
		}
		return []string{str(m, "severity"), str(m, "code"), expr, str(m["details"], "text")}
	}
	sort.SliceStable(is, func(i, j int) bool { return slices.CompareFunc(key(is[i]), key(is[j]), javaCompare) < 0 })
}

// sortValueSet: extensions, then in the expansion the parameters, the
// property definitions, the extensions and the contains (recursively).
func sortValueSet(vs map[string]any) error {
	sortExtensionList(asArray(vs["extension"]))
	exp, ok := vs["expansion"].(map[string]any)
	if !ok {
		return nil
	}
	var err error
	fail := func(msg string) {
		if err == nil {
			err = fmt.Errorf("sorting the expansion: %s (NullPointerException in TxTesterSorters)", msg)
		}
	}
	params := asArray(exp["parameter"])
	if len(params) >= 2 {
		for _, p := range params {
			sortExtensionList(asArray(p.(map[string]any)["extension"]))
		}
	}
	sort.SliceStable(params, func(i, j int) bool {
		if c := javaCompare(str(params[i], "name"), str(params[j], "name")); c != 0 {
			return c < 0
		}
		_, a, oka := primitiveValueOf(params[i].(map[string]any))
		_, b, okb := primitiveValueOf(params[j].(map[string]any))
		if !oka || !okb {
			fail("an expansion parameter without a primitive value")
		}
		return javaCompare(a, b) < 0
	})
	props := asArray(exp["property"])
	sort.SliceStable(props, func(i, j int) bool {
		ua, hasA := props[i].(map[string]any)["uri"].(string)
		ub, hasB := props[j].(map[string]any)["uri"].(string)
		switch {
		case hasA && hasB && ua != ub:
			return javaCompare(ua, ub) < 0
		case hasA != hasB:
			return !hasA
		}
		return javaCompare(str(props[i], "code"), str(props[j], "code")) < 0
	})
	sortExtensionList(asArray(exp["extension"]))
	contains := asArray(exp["contains"])
	sortContains(contains, fail)
	for _, cc := range contains {
		sortContainsFeatures(cc.(map[string]any), fail)
	}
	return err
}

func sortContains(cs []any, fail func(string)) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, oka := cs[i].(map[string]any)["code"].(string)
		b, okb := cs[j].(map[string]any)["code"].(string)
		if !oka || !okb {
			fail("an expansion entry without a code")
		}
		return javaCompare(a, b) < 0
	})
}

func sortContainsFeatures(cc map[string]any, fail func(string)) {
	children := asArray(cc["contains"])
	sortContains(children, fail)
	sortExtensionList(asArray(cc["extension"]))
	ds := asArray(cc["designation"])
	sort.SliceStable(ds, func(i, j int) bool {
		la, hasA := ds[i].(map[string]any)["language"].(string)
		lb, hasB := ds[j].(map[string]any)["language"].(string)
		if hasA && hasB {
			return javaCompare(la, lb) < 0
		}
		va, oka := ds[i].(map[string]any)["value"].(string)
		vb, okb := ds[j].(map[string]any)["value"].(string)
		if !oka || !okb {
			fail("a designation without language or value")
		}
		return javaCompare(va, vb) < 0
	})
	props := asArray(cc["property"])
	sort.SliceStable(props, func(i, j int) bool { return javaCompare(str(props[i], "code"), str(props[j], "code")) < 0 })
	for _, c := range children {
		sortContainsFeatures(c.(map[string]any), fail)
	}
}

// sortCapStmt sorts what the pattern match of the metadata test walks in
// order. rest.interaction is sorted in enum order, as Enum.compareTo does.
func sortCapStmt(cs map[string]any) {
	for _, k := range []string{"format", "instantiates", "imports", "acceptLanguage"} {
		sortStrings(asArray(cs[k]))
	}
	rest := asArray(cs["rest"])
	sortBy(rest, func(x any) string { return str(x, "mode") })
	for _, r := range rest {
		rm := r.(map[string]any)
		if sec, ok := rm["security"].(map[string]any); ok {
			services := asArray(sec["service"])
			for _, cc := range services {
				sortBy(asArray(cc.(map[string]any)["coding"]), func(x any) string { return str(x, "system") + "\x00" + str(x, "code") })
			}
			sortBy(services, func(x any) string {
				if cs := asArray(x.(map[string]any)["coding"]); len(cs) > 0 {
					return str(cs[0], "system") + "\x00" + str(cs[0], "code")
				}
				return str(x, "text")
			})
		}
		resources := asArray(rm["resource"])
		sortBy(resources, func(x any) string { return str(x, "type") })
		for _, res := range resources {
			m := res.(map[string]any)
			sortStrings(asArray(m["supportedProfile"]))
			sortBy(asArray(m["interaction"]), func(x any) string { return str(x, "code") })
			sortStrings(asArray(m["searchInclude"]))
			sortStrings(asArray(m["searchRevInclude"]))
			sortBy(asArray(m["searchParam"]), func(x any) string { return str(x, "name") })
			sortBy(asArray(m["operation"]), func(x any) string { return str(x, "name") })
		}
		order := []string{"transaction", "batch", "search-system", "history-system"}
		sortBy(asArray(rm["interaction"]), func(x any) string {
			i := slices.Index(order, str(x, "code"))
			if i < 0 {
				i = len(order)
			}
			return string(rune('0' + i))
		})
		sortBy(asArray(rm["searchParam"]), func(x any) string { return str(x, "name") })
		sortBy(asArray(rm["operation"]), func(x any) string { return str(x, "name") })
		sortStrings(asArray(rm["compartment"]))
	}
}

// sortTermCaps: code systems by uri, their versions by code, and per version
// the languages, properties and filters; the expansion parameters by name.
func sortTermCaps(tc map[string]any) {
	systems := asArray(tc["codeSystem"])
	sortBy(systems, func(x any) string { return str(x, "uri") })
	for _, s := range systems {
		versions := asArray(s.(map[string]any)["version"])
		sort.SliceStable(versions, func(i, j int) bool {
			a, oka := versions[i].(map[string]any)["code"].(string)
			b, okb := versions[j].(map[string]any)["code"].(string)
			return oka && okb && javaCompare(a, b) < 0
		})
		for _, v := range versions {
			vm := v.(map[string]any)
			sortStrings(asArray(vm["language"]))
			sortStrings(asArray(vm["property"]))
			sortBy(asArray(vm["filter"]), func(x any) string { return str(x, "code") })
		}
	}
	if exp, ok := tc["expansion"].(map[string]any); ok {
		sortBy(asArray(exp["parameter"]), func(x any) string { return str(x, "name") })
	}
}

func sortBy(a []any, key func(any) string) {
	sort.SliceStable(a, func(i, j int) bool { return javaCompare(key(a[i]), key(a[j])) < 0 })
}

func sortStrings(a []any) {
	sortBy(a, func(x any) string { s, _ := x.(string); return s })
}

// javaCompare is String.compareTo: UTF-16 code units.
func javaCompare(a, b string) int {
	if a == b {
		return 0
	}
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
}

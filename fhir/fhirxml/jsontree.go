package fhirxml

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// The encoder reads its JSON into a flat tree rather than through
// encoding/json: it has to visit an object's members in StructureDefinition
// order, not JSON order, keep each number's spelling, and not allocate per
// value (the full CodeSystem has some 400,000 values). Strings without
// escapes are slices of the input.

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonFalse
	jsonTrue
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is one value; an array's items or an object's members are
// tree.items[start:end]. A lazy array (an array of objects that is a member
// of the resource: CodeSystem.concept, Bundle.entry) is in[start:end] instead,
// read an item at a time by each.
type jsonValue struct {
	kind       jsonKind
	lazy       bool
	text       []byte // a string's unescaped content, a number's literal
	start, end int32
}

// jsonItem is an array item (key nil) or an object member.
type jsonItem struct {
	key []byte
	val jsonValue
}

type jsonTree struct {
	in      []byte
	pos     int
	items   []jsonItem
	scratch []jsonItem // the open containers' items, moved to items when each closes
	depth   int
	lazy    bool   // the resource's arrays of objects are left lazy: while parsing the root
	strs    []byte // the strings that had escapes, unescaped
}

// maxJSONDepth bounds the nesting of the JSON read, as maxDepth does the XML.
const maxJSONDepth = maxDepth

func (t *jsonTree) members(v jsonValue) []jsonItem { return t.items[v.start:v.end] }

// parseJSON reads one JSON value that makes up all of in. The arrays of
// objects among the members of a root object are checked for their extent
// only and left lazy: the full CodeSystem's 500,000 values are then never
// in the tree at once, only one concept's (each drops an item's values once
// it is written), so that the tree stays small enough to be reused and to
// stay in cache instead of growing (and being copied) to 30 MB.
func parseJSON(in []byte, t *jsonTree) (jsonValue, error) {
	if !utf8.Valid(in) {
		return jsonValue{}, errors.New("the JSON is not valid UTF-8")
	}
	*t = jsonTree{in: in, items: t.items[:0], scratch: t.scratch[:0], strs: t.strs[:0], lazy: true}
	v, err := t.value()
	t.lazy = false
	if err != nil {
		return jsonValue{}, err
	}
	t.space()
	if t.pos != len(in) {
		return jsonValue{}, t.errorf("data after the JSON value")
	}
	return v, nil
}

func (t *jsonTree) errorf(format string, args ...any) error {
	return fmt.Errorf("JSON at byte %d: %s", t.pos, fmt.Sprintf(format, args...))
}

func (t *jsonTree) space() {
	for t.pos < len(t.in) {
		switch t.in[t.pos] {
		case ' ', '\t', '\n', '\r':
			t.pos++
		default:
			return
		}
	}
}

func (t *jsonTree) value() (jsonValue, error) {
	t.space()
	if t.pos >= len(t.in) {
		return jsonValue{}, t.errorf("unexpected end")
	}
	switch c := t.in[t.pos]; {
	case c == '{':
		return t.container('}')
	case c == '[':
		return t.container(']')
	case c == '"':
		s, err := t.str()
		return jsonValue{kind: jsonString, text: s}, err
	case c == '-' || c >= '0' && c <= '9':
		return t.number()
	default:
		for _, lit := range [...]struct {
			word string
			kind jsonKind
		}{{"null", jsonNull}, {"true", jsonTrue}, {"false", jsonFalse}} {
			if len(t.in)-t.pos >= len(lit.word) && string(t.in[t.pos:t.pos+len(lit.word)]) == lit.word {
				t.pos += len(lit.word)
				return jsonValue{kind: lit.kind}, nil
			}
		}
		return jsonValue{}, t.errorf("unexpected %q", c)
	}
}

func (t *jsonTree) container(closer byte) (jsonValue, error) {
	t.depth++
	if t.depth > maxJSONDepth {
		return jsonValue{}, t.errorf("nested deeper than %d", maxJSONDepth)
	}
	t.pos++ // the opener
	base := len(t.scratch)
	t.space()
	if t.pos < len(t.in) && t.in[t.pos] == closer {
		t.pos++
	} else {
		for {
			var item jsonItem
			if closer == '}' {
				t.space()
				if t.pos >= len(t.in) || t.in[t.pos] != '"' {
					return jsonValue{}, t.errorf("expected a member name")
				}
				key, err := t.str()
				if err != nil {
					return jsonValue{}, err
				}
				for _, m := range t.scratch[base:] {
					if string(m.key) == string(key) {
						return jsonValue{}, t.errorf("the member %q repeats", key)
					}
				}
				t.space()
				if t.pos >= len(t.in) || t.in[t.pos] != ':' {
					return jsonValue{}, t.errorf("expected ':'")
				}
				t.pos++
				item.key = key
			}
			var v jsonValue
			var err error
			t.space()
			switch {
			case t.pos < len(t.in) && t.in[t.pos] == '"': // most values: value's case, without the call
				v.kind = jsonString
				v.text, err = t.str()
			case closer == '}' && t.lazy && t.depth == 1 && t.objectsAhead():
				v, err = t.skipArray()
			default:
				v, err = t.value()
			}
			if err != nil {
				return jsonValue{}, err
			}
			item.val = v
			t.scratch = append(t.scratch, item)
			t.space()
			if t.pos >= len(t.in) {
				return jsonValue{}, t.errorf("unexpected end")
			}
			c := t.in[t.pos]
			t.pos++
			if c == closer {
				break
			}
			if c != ',' {
				return jsonValue{}, t.errorf("expected ',' or %q", closer)
			}
		}
	}
	t.depth--
	kind := jsonArray
	if closer == '}' {
		kind = jsonObject
	}
	start := len(t.items)
	t.items = append(t.items, t.scratch[base:]...)
	t.scratch = t.scratch[:base]
	return jsonValue{kind: kind, start: int32(start), end: int32(len(t.items))}, nil
}

// objectsAhead reports whether an array of objects starts at t.pos (after
// spaces).
func (t *jsonTree) objectsAhead() bool {
	t.space()
	if t.pos >= len(t.in) || t.in[t.pos] != '[' {
		return false
	}
	i := t.pos + 1
	for i < len(t.in) && (t.in[i] == ' ' || t.in[i] == '\t' || t.in[i] == '\n' || t.in[i] == '\r') {
		i++
	}
	return i < len(t.in) && t.in[i] == '{'
}

// skipArray finds the end of the array at t.pos by its brackets, outside
// strings, and returns it as a lazy array; each reads its items by the JSON
// grammar, and so refuses what this lets through.
func (t *jsonTree) skipArray() (jsonValue, error) {
	start := t.pos
	depth := 0
	for i := t.pos; i < len(t.in); i++ {
		switch t.in[i] {
		case '[', '{':
			depth++
		case ']', '}':
			if depth--; depth == 0 {
				t.pos = i + 1
				return jsonValue{kind: jsonArray, lazy: true, start: int32(start), end: int32(i + 1)}, nil
			}
		case '"':
			end, ok := stringEnd(t.in, i+1)
			if !ok {
				t.pos = i
				return jsonValue{}, t.errorf("an unterminated string")
			}
			i = end
		}
	}
	t.pos = len(t.in)
	return jsonValue{}, t.errorf("unexpected end")
}

// stringEnd returns the index of the quote that closes the string whose
// content starts at in[i]: the first not escaped by a backslash. A control
// character is passed over here; each refuses it.
func stringEnd(in []byte, i int) (int, bool) {
	for {
		if i = jsonStringStop(in, i); i >= len(in) {
			return 0, false
		}
		switch in[i] {
		case '"':
			return i, true
		case '\\':
			i += 2 // the escaped byte, a quote or backslash among them
		default:
			i++
		}
	}
}

// each calls f with each item of the array v. A lazy array is read an item
// at a time, and the item's values are dropped from the tree once f
// returns: f must keep none of them.
func (t *jsonTree) each(v jsonValue, f func(i int, item jsonValue) error) error {
	if !v.lazy {
		for i, item := range t.members(v) {
			if err := f(i, item.val); err != nil {
				return err
			}
		}
		return nil
	}
	mark, strs := len(t.items), len(t.strs)
	defer func() { t.items, t.strs = t.items[:mark], t.strs[:strs] }()
	t.pos, t.depth = int(v.start)+1, 2 // within the root object and this array
	for i := 0; ; i++ {
		t.items, t.strs = t.items[:mark], t.strs[:strs]
		item, err := t.value()
		if err != nil {
			return &Error{Text: err.Error()}
		}
		if err := f(i, item); err != nil {
			return err
		}
		t.space()
		if t.pos >= len(t.in) {
			return &Error{Text: t.errorf("unexpected end").Error()}
		}
		c := t.in[t.pos]
		t.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			return &Error{Text: t.errorf("expected ',' or ']'").Error()}
		}
	}
	if t.pos != int(v.end) {
		return &Error{Text: t.errorf("a malformed array").Error()}
	}
	return nil
}

// materialize returns v with its items in the tree: a lazy array is read
// whole (the rare array of objects where the encoder needs all items at
// once: a primitive's _name).
func (t *jsonTree) materialize(v jsonValue) (jsonValue, error) {
	if !v.lazy {
		return v, nil
	}
	t.pos, t.depth = int(v.start), 1
	w, err := t.value()
	if err != nil {
		return jsonValue{}, &Error{Text: err.Error()}
	}
	return w, nil
}

// str reads a string at t.pos (its opening quote) and returns its content.
func (t *jsonTree) str() ([]byte, error) {
	t.pos++
	start := t.pos
	for t.pos < len(t.in) {
		t.pos = jsonStringStop(t.in, t.pos)
		if t.pos == len(t.in) {
			break
		}
		switch c := t.in[t.pos]; {
		case c == '"':
			t.pos++
			return t.in[start : t.pos-1], nil
		case c == '\\':
			return t.escapedStr(start)
		case c < 0x20:
			return nil, t.errorf("a control character in a string")
		default:
			t.pos++
		}
	}
	return nil, t.errorf("an unterminated string")
}

// escapedStr reads the rest of a string with escapes into t.strs. The
// slice returned stays valid when t.strs grows (it keeps the old array),
// but not once each truncates t.strs below it.
func (t *jsonTree) escapedStr(start int) ([]byte, error) {
	base := len(t.strs)
	out := append(t.strs, t.in[start:t.pos]...)
	for t.pos < len(t.in) {
		c := t.in[t.pos]
		switch {
		case c == '"':
			t.pos++
			t.strs = out
			return out[base:len(out):len(out)], nil
		case c < 0x20:
			return nil, t.errorf("a control character in a string")
		case c != '\\':
			out = append(out, c)
			t.pos++
			continue
		}
		if t.pos+1 >= len(t.in) {
			break
		}
		e := t.in[t.pos+1]
		t.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := t.hex4()
			if !ok {
				return nil, t.errorf("a bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if t.pos+1 < len(t.in) && t.in[t.pos] == '\\' && t.in[t.pos+1] == 'u' {
					t.pos += 2
					if r2, ok = t.hex4(); !ok {
						return nil, t.errorf("a bad \\u escape")
					}
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return nil, t.errorf("a lone surrogate in a \\u escape")
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, t.errorf("a bad escape \\%c", e)
		}
	}
	return nil, t.errorf("an unterminated string")
}

func (t *jsonTree) hex4() (rune, bool) {
	if t.pos+4 > len(t.in) {
		return 0, false
	}
	var r rune
	for _, c := range t.in[t.pos : t.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	t.pos += 4
	return r, true
}

// number reads a number by the JSON grammar and keeps its literal.
func (t *jsonTree) number() (jsonValue, error) {
	start := t.pos
	end, ok := scanNumber(t.in, start)
	if !ok {
		return jsonValue{}, t.errorf("a malformed number")
	}
	t.pos = end
	return jsonValue{kind: jsonNumber, text: t.in[start:end]}, nil
}

// scanNumber returns the end of the JSON number starting at in[i], and
// whether one starts there. FHIR's decimal grammar is JSON's.
func scanNumber(in []byte, i int) (int, bool) {
	digits := func() int {
		n := 0
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(in) && in[i] == '-' {
		i++
	}
	if i < len(in) && in[i] == '0' {
		i++
	} else if digits() == 0 {
		return i, false
	}
	if i < len(in) && in[i] == '.' {
		i++
		if digits() == 0 {
			return i, false
		}
	}
	if i < len(in) && (in[i] == 'e' || in[i] == 'E') {
		i++
		if i < len(in) && (in[i] == '+' || in[i] == '-') {
			i++
		}
		if digits() == 0 {
			return i, false
		}
	}
	return i, true
}

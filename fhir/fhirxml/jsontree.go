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
// tree.items[start:end].
type jsonValue struct {
	kind       jsonKind
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
}

// maxJSONDepth bounds the nesting of the JSON read, as maxDepth does the XML.
const maxJSONDepth = maxDepth

func (t *jsonTree) members(v jsonValue) []jsonItem { return t.items[v.start:v.end] }

// parseJSON reads one JSON value that makes up all of in.
func parseJSON(in []byte, t *jsonTree) (jsonValue, error) {
	if !utf8.Valid(in) {
		return jsonValue{}, errors.New("the JSON is not valid UTF-8")
	}
	*t = jsonTree{in: in, items: t.items[:0], scratch: t.scratch[:0]}
	// FHIR JSON runs to about one value per 30 bytes: sizing items once
	// saves the copies of growing it (the full CodeSystem has 500,000).
	if want := len(in) / 30; cap(t.items) < want {
		t.items = make([]jsonItem, 0, want)
	}
	v, err := t.value()
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
			v, err := t.value()
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

// str reads a string at t.pos (its opening quote) and returns its content.
func (t *jsonTree) str() ([]byte, error) {
	t.pos++
	start := t.pos
	for t.pos < len(t.in) {
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

// escapedStr reads the rest of a string with escapes into a new slice.
func (t *jsonTree) escapedStr(start int) ([]byte, error) {
	out := append([]byte(nil), t.in[start:t.pos]...)
	for t.pos < len(t.in) {
		c := t.in[t.pos]
		switch {
		case c == '"':
			t.pos++
			return out, nil
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

package terminology

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"
)

// This file is a minimal XML tokenizer for the worksheet and shared-string
// parts of an .xlsx (xlsx_lean.go). It knows exactly the XML that CMS's
// spreadsheets use: elements, attributes, text, the five predefined entities
// and character references. Everything else — comments, CDATA, a DOCTYPE,
// another encoding, a prefixed element name, a character XML forbids — is
// errLeanDeclined, and the workbook is read by excelize instead.

// errLeanDeclined means the lean reader met something outside the subset
// it knows; the caller reads the workbook with excelize instead.
var errLeanDeclined = errors.New("outside the lean xlsx subset")

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokStart
	tokEnd
	tokText
)

// token is one piece of markup; its slices point into the document.
type token struct {
	kind        tokenKind
	name        []byte // element name (start, end)
	attrs       []byte // the raw attributes of a start tag
	selfClosing bool
	text        []byte // raw text, undecoded
}

// xmlScanner walks a document held in memory.
type xmlScanner struct {
	b []byte
	i int
}

// newXMLScanner checks the document's encoding and skips its prolog: an
// optional XML declaration that says UTF-8 (or nothing) and whitespace.
func newXMLScanner(b []byte) (*xmlScanner, error) {
	if !utf8.Valid(b) {
		return nil, errLeanDeclined
	}
	s := &xmlScanner{b: b}
	if bytes.HasPrefix(b, []byte("<?xml")) {
		end := bytes.Index(b, []byte("?>"))
		if end < 0 {
			return nil, errLeanDeclined
		}
		decl := b[len("<?xml"):end]
		if enc, ok, err := attr(decl, "encoding"); err != nil || ok && !bytes.EqualFold(enc, []byte("UTF-8")) {
			return nil, errLeanDeclined
		}
		s.i = end + 2
	}
	return s, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// next returns the next token. A prefixed name (x:row) is declined:
// excelize matches local names, and CMS's files use none.
func (s *xmlScanner) next() (token, error) {
	b := s.b
	if s.i >= len(b) {
		return token{kind: tokEOF}, nil
	}
	if b[s.i] != '<' {
		j := bytes.IndexByte(b[s.i:], '<')
		if j < 0 {
			j = len(b) - s.i
		}
		t := token{kind: tokText, text: b[s.i : s.i+j]}
		s.i += j
		return t, nil
	}
	i := s.i + 1
	if i >= len(b) {
		return token{}, errLeanDeclined
	}
	if b[i] == '/' {
		i++
		start := i
		for i < len(b) && isNameByte(b[i]) {
			i++
		}
		name := b[start:i]
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if len(name) == 0 || i >= len(b) || b[i] != '>' {
			return token{}, errLeanDeclined
		}
		s.i = i + 1
		return token{kind: tokEnd, name: name}, nil
	}
	start := i
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	if i == start || b[start] >= '0' && b[start] <= '9' || b[start] == '-' || b[start] == '.' || i < len(b) && b[i] == ':' {
		return token{}, errLeanDeclined // <!--, <![CDATA[, <?pi, <x:row, ...
	}
	t := token{kind: tokStart, name: b[start:i]}
	attrStart := i
	// Attribute values may hold '>' and '/', so quotes are followed.
	for {
		if i >= len(b) {
			return token{}, errLeanDeclined
		}
		switch c := b[i]; {
		case c == '>':
			t.attrs = b[attrStart:i]
			s.i = i + 1
			return t, t.checkAttrs()
		case c == '/':
			if i+1 >= len(b) || b[i+1] != '>' {
				return token{}, errLeanDeclined
			}
			t.attrs, t.selfClosing = b[attrStart:i], true
			s.i = i + 2
			return t, t.checkAttrs()
		case c == '"' || c == '\'':
			j := bytes.IndexByte(b[i+1:], c)
			if j < 0 {
				return token{}, errLeanDeclined
			}
			i += j + 2
		default:
			i++
		}
	}
}

// attrs finds up to three attributes by their full names (r, t, xml:space)
// in the raw attributes of a start tag and returns their raw values ("" for
// an unused name). Every attribute is checked on the way: malformed syntax,
// a duplicate of a name asked for, or a value encoding/xml would reject is
// declined.
func attrs(raw []byte, names [3]string) (values [3][]byte, found [3]bool, err error) {
	i := 0
	for {
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		if i >= len(raw) {
			return values, found, nil
		}
		start := i
		for i < len(raw) && (isNameByte(raw[i]) || raw[i] == ':') {
			i++
		}
		n := raw[start:i]
		if len(n) == 0 {
			return values, found, errLeanDeclined
		}
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		if i >= len(raw) || raw[i] != '=' {
			return values, found, errLeanDeclined
		}
		i++
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		if i >= len(raw) || raw[i] != '"' && raw[i] != '\'' {
			return values, found, errLeanDeclined
		}
		q := raw[i]
		j := bytes.IndexByte(raw[i+1:], q)
		if j < 0 {
			return values, found, errLeanDeclined
		}
		v := raw[i+1 : i+1+j]
		i += j + 2
		if i < len(raw) && !isSpace(raw[i]) {
			return values, found, errLeanDeclined // a="1"b="2"
		}
		if bytes.IndexByte(v, '<') >= 0 || checkText(v) != nil {
			return values, found, errLeanDeclined
		}
		for k, name := range names {
			if name != "" && string(n) == name {
				if found[k] {
					return values, found, errLeanDeclined
				}
				values[k], found[k] = v, true
			}
		}
	}
}

// attr is attrs for one name.
func attr(raw []byte, name string) ([]byte, bool, error) {
	v, ok, err := attrs(raw, [3]string{name})
	return v[0], ok[0], err
}

// checkAttrs checks the attributes of a start tag, except of row and c,
// whose readers check them while reading them (plainAttrs).
func (t token) checkAttrs() error {
	if len(t.name) == 1 && t.name[0] == 'c' || string(t.name) == "row" {
		return nil
	}
	return checkAttrs(t.attrs)
}

// checkAttrs declines a start tag whose attributes encoding/xml would
// reject (which would end excelize's reading of the sheet early).
func checkAttrs(raw []byte) error {
	if isXMLSpace(raw) {
		return nil
	}
	_, _, err := attrs(raw, [3]string{})
	return err
}

// plainAttrs is attrs for values that must be plain ASCII letters and
// digits (cell references, types, row numbers): anything else is declined,
// so that no entity or whitespace rule of XML can make them differ.
func plainAttrs(raw []byte, names [3]string) ([3][]byte, [3]bool, error) {
	values, found, err := attrs(raw, names)
	if err != nil {
		return values, found, err
	}
	for _, v := range values {
		for _, c := range v {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return values, found, errLeanDeclined
			}
		}
	}
	return values, found, nil
}

// isXMLSpace reports whether raw text is only XML whitespace.
func isXMLSpace(text []byte) bool {
	for _, c := range text {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// checkText declines text that decodeText declines, without allocating
// for plain text.
func checkText(raw []byte) error {
	if isSimpleText(raw) {
		return nil
	}
	_, err := decodeText(raw)
	return err
}

func isSimpleText(raw []byte) bool {
	for _, c := range raw {
		if c < 0x20 && c != '\t' && c != '\n' || c == '&' || c == '\r' || c >= 0x80 {
			return false
		}
	}
	return true
}

// decodeText turns raw character data into its value as encoding/xml does:
// line ends normalised to \n, the predefined entities and character
// references replaced. A character XML 1.0 forbids is declined.
func decodeText(raw []byte) (string, error) {
	if isSimpleText(raw) {
		return string(raw), nil
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\r':
			out = append(out, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c == '&':
			end := bytes.IndexByte(raw[i:], ';')
			if end < 0 || end > 12 {
				return "", errLeanDeclined
			}
			r, ok := entity(raw[i+1 : i+end])
			if !ok {
				return "", errLeanDeclined
			}
			out = utf8.AppendRune(out, r)
			i += end + 1
		case c < 0x80:
			if c < 0x20 && c != '\t' && c != '\n' {
				return "", errLeanDeclined
			}
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			if !isXMLChar(r) || r == utf8.RuneError && n == 1 {
				return "", errLeanDeclined
			}
			out = append(out, raw[i:i+n]...)
			i += n
		}
	}
	return string(out), nil
}

// entity resolves the name between & and ;.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !isXMLChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// isXMLChar is XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// textElement reads the text content of an element whose start tag was
// just read, up to its end tag; a child element is declined.
func (s *xmlScanner) textElement(start token) (string, error) {
	raw, err := s.rawTextElement(start)
	if err != nil {
		return "", err
	}
	return decodeText(raw)
}

// rawTextElement is textElement without decoding the text.
func (s *xmlScanner) rawTextElement(start token) ([]byte, error) {
	if start.selfClosing {
		return nil, nil
	}
	t, err := s.next()
	if err != nil {
		return nil, err
	}
	var raw []byte
	if t.kind == tokText {
		raw = t.text
		if t, err = s.next(); err != nil {
			return nil, err
		}
	}
	if t.kind != tokEnd || !bytes.Equal(t.name, start.name) {
		return nil, errLeanDeclined
	}
	return raw, nil
}

package fhirxml

// Escaping text and attribute values for XML, so that a reader gets back
// exactly the string the JSON held.

import "errors"

var errControl = errors.New("a control character XML cannot hold")

// textSpecial and attrSpecial mark the bytes appendEscaped must look at in
// text and in attribute values: markup, control characters, and 0xEF, which
// starts U+FFFE and U+FFFF.
var textSpecial, attrSpecial = func() (text, attr [256]bool) {
	for c := range 0x20 {
		text[c], attr[c] = c != '\t' && c != '\n', true
	}
	for _, c := range []byte{'&', '<', '>', 0xEF} {
		text[c], attr[c] = true, true
	}
	attr['"'] = true
	return text, attr
}()

// appendEscaped appends s escaped for XML text or (inAttr) an attribute
// value in double quotes.
func appendEscaped(dst, s []byte, inAttr bool) ([]byte, error) {
	// Most values need no escape: find the first byte that may, by table.
	table := &textSpecial
	if inAttr {
		table = &attrSpecial
	}
	first := xmlSpecial(s, 0, table)
	if first == len(s) {
		return append(dst, s...), nil
	}
	last := 0
	for i := first; i < len(s); i = xmlSpecial(s, i+1, table) {
		c := s[i]
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			if !inAttr {
				continue
			}
			esc = "&quot;"
		case '\t', '\n':
			if !inAttr {
				continue
			}
			if c == '\t' {
				esc = "&#x9;"
			} else {
				esc = "&#xA;"
			}
		case '\r':
			esc = "&#xD;"
		default:
			if c < 0x20 {
				return dst, errControl
			}
			if c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF) {
				return dst, errControl // U+FFFE, U+FFFF
			}
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...), nil
}

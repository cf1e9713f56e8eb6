package fhirxml

import "encoding/binary"

// Finding the next byte that matters, eight bytes at a time: most of a
// FHIR JSON string, and so of an XML attribute value, is plain text that
// neither the JSON reader nor the XML escaper has to look at byte by byte.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// zeroByte is nonzero when some byte of w is 0.
func zeroByte(w uint64) uint64 { return (w - ones) & ^w & highs }

// controlByte is nonzero when some byte of w is below 0x20.
func controlByte(w uint64) uint64 { return (w - ones*0x20) & ^w & highs }

// jsonStringStop returns the index of the first byte of s at or after i
// that ends or escapes a JSON string's plain run (a quote, a backslash, a
// control character), or len(s): when reading JSON (jsontree.go) and when
// writing it (decode_json.go).
func jsonStringStop[S string | []byte](s S, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if controlByte(w)|zeroByte(w^(ones*'"'))|zeroByte(w^(ones*'\\')) != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// xmlSpecial returns the index of the first byte in s at or after i that
// table marks (textSpecial or attrSpecial), or len(s). The words skipped
// hold none of the bytes either table marks.
func xmlSpecial(s []byte, i int, table *[256]bool) int {
	for {
		for ; i+8 <= len(s); i += 8 {
			w := binary.LittleEndian.Uint64(s[i:])
			if controlByte(w)|zeroByte(w^(ones*'&'))|zeroByte(w^(ones*'<'))|zeroByte(w^(ones*'>'))|
				zeroByte(w^(ones*'"'))|zeroByte(w^(ones*0xEF)) != 0 {
				break
			}
		}
		end := min(i+8, len(s))
		for ; i < end; i++ {
			if table[s[i]] {
				return i
			}
		}
		if i == len(s) {
			return i
		}
	}
}

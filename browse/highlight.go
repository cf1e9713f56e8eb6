package browse

import (
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// segment is a run of text, marked when it matched the query.
type segment struct {
	Text string
	Mark bool
}

// highlight splits text into runs, marking each word that a word of the
// query matches the way the text index does: the query word is a prefix of
// it, or both have the same light singular ("crutches", "crutch"):
// valueset.WordMatches.
// Synonyms (w/c for wheelchair) are matched by the engine but not marked.
// browse.js does the same in the browser.
func highlight(text, query string) []segment {
	words := queryParts(query)
	if len(words) == 0 || text == "" {
		return []segment{{Text: text}}
	}
	var out []segment
	add := func(s string, mark bool) {
		if n := len(out); n > 0 && out[n-1].Mark == mark {
			out[n-1].Text += s
			return
		}
		out = append(out, segment{Text: s, Mark: mark})
	}
	rest := text
	for rest != "" {
		i := strings.IndexFunc(rest, isWordRune)
		if i < 0 {
			add(rest, false)
			break
		}
		if i > 0 {
			add(rest[:i], false)
			rest = rest[i:]
		}
		j := strings.IndexFunc(rest, func(r rune) bool { return !isWordRune(r) })
		if j < 0 {
			j = len(rest)
		}
		add(rest[:j], matchesAny(strings.ToLower(rest[:j]), words))
		rest = rest[j:]
	}
	return out
}

// queryParts are the lower-cased words of a query.
func queryParts(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !isWordRune(r) })
}

func matchesAny(token string, words []string) bool {
	for _, w := range words {
		if valueset.WordMatches(token, w) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool { return valueset.IsWordRune(r) }

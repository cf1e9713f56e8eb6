package browse

import (
	"strings"
	"unicode"
)

// segment is a run of text, marked when it matched the query.
type segment struct {
	Text string
	Mark bool
}

// highlight splits text into runs, marking each word that a word of the
// query matches the way the text index does: the query word is a prefix of
// it, or both have the same light singular ("crutches", "crutch").
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
		if strings.HasPrefix(token, w) || stem(token) == stem(w) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// stem is the text index's light English singular (valueset/text.go).
func stem(t string) string {
	n := len(t)
	if n <= 3 {
		return t
	}
	switch {
	case strings.HasSuffix(t, "ies") && n > 4:
		return t[:n-3] + "y"
	case strings.HasSuffix(t, "ches"), strings.HasSuffix(t, "shes"), strings.HasSuffix(t, "sses"), strings.HasSuffix(t, "xes"):
		return t[:n-2]
	case strings.HasSuffix(t, "ss"), strings.HasSuffix(t, "us"), strings.HasSuffix(t, "is"):
		return t
	case strings.HasSuffix(t, "s"):
		return t[:n-1]
	}
	return t
}

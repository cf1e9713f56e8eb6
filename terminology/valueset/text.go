package valueset

import (
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// TextIndex is the index of $expand's text filter over one code system's
// concepts. A query matches a concept when every word typed is the prefix
// of a word of its code, display or designations (or has the same
// singular, or is a declared synonym). Matches are ranked in tiers (see
// Tier), then in the system's order. Build it once per code system version:
// it is immutable and safe for concurrent use.
type TextIndex struct {
	n        int
	codes    []string // lower-cased code by concept index
	tokens   []string // sorted, unique
	postings [][]posting
	byStem   map[string][]int32 // stem → token ids
	synonyms map[string][]string
	masks    sync.Pool
}

type posting struct {
	concept int32
	fields  uint8
}

// The fields a token was found in.
const (
	fieldCode uint8 = 1 << iota
	fieldDesignation
	fieldDisplay
	fieldSpread // a hyphenated query word whose parts matched in different fields
)

// Tier is the rank of a match, best first.
type Tier int

// The tiers of a text match.
const (
	TierExactCode   Tier = iota // the query is the code
	TierCodePrefix              // the code starts with the query
	TierDesignation             // every word is in one designation (HCPCS: the short description)
	TierDisplay                 // every word is in the display (HCPCS: the long description)
	TierAnywhere                // the words are spread over code, display and designations
)

// Match is one concept a query matched.
type Match struct {
	Index int // the concept's Index
	Tier  Tier
}

// IndexOptions tune an index.
type IndexOptions struct {
	// Synonyms are groups of words that stand for each other, such as a
	// code system's abbreviations ({"wheelchair", "w/c", "wc"}).
	Synonyms [][]string
}

// NewTextIndex indexes concepts, which must come in Index order from 0.
func NewTextIndex(concepts iter.Seq[*Concept], opts IndexOptions) *TextIndex {
	ix := &TextIndex{byStem: map[string][]int32{}, synonyms: map[string][]string{}}
	lists := map[string][]posting{}
	add := func(i int32, field uint8, text string) {
		for _, t := range indexTokens(text) {
			ps := lists[t]
			if n := len(ps); n > 0 && ps[n-1].concept == i {
				ps[n-1].fields |= field
				continue
			}
			lists[t] = append(ps, posting{concept: i, fields: field})
		}
	}
	for c := range concepts {
		i := int32(ix.n)
		ix.n++
		ix.codes = append(ix.codes, strings.ToLower(c.Code))
		add(i, fieldCode, c.Code)
		for _, d := range c.Designations {
			add(i, fieldDesignation, d.Value)
		}
		add(i, fieldDisplay, c.Display)
	}
	ix.tokens = make([]string, 0, len(lists))
	for t := range lists {
		ix.tokens = append(ix.tokens, t)
	}
	sort.Strings(ix.tokens)
	ix.postings = make([][]posting, len(ix.tokens))
	for id, t := range ix.tokens {
		ix.postings[id] = lists[t]
		s := stem(t)
		ix.byStem[s] = append(ix.byStem[s], int32(id))
	}
	for _, group := range opts.Synonyms {
		for _, w := range group {
			w = stem(strings.ToLower(w))
			for _, other := range group {
				if o := strings.ToLower(other); stem(o) != w {
					ix.synonyms[w] = append(ix.synonyms[w], o)
				}
			}
		}
	}
	ix.masks.New = func() any { return &wordMask{fields: make([]uint8, ix.n)} }
	return ix
}

// maxQueryWords bounds the words of one query that are matched.
const maxQueryWords = 16

// Search returns every concept the query matches, best first. An empty
// query (no words) matches nothing: callers treat it as no filter.
func (ix *TextIndex) Search(query string) []Match {
	q := strings.ToLower(strings.TrimSpace(query))
	words := queryWords(q)
	if len(words) == 0 {
		return nil
	}
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords] // each word costs a pass over its postings
	}
	masks := make([]wordMask, len(words))
	for i, w := range words {
		masks[i] = ix.wordMask(w)
	}
	defer func() {
		for _, m := range masks {
			ix.release(m)
		}
	}()
	// Only the concepts the rarest word touched can match.
	driver := masks[0].touched
	for _, m := range masks[1:] {
		if len(m.touched) < len(driver) {
			driver = m.touched
		}
	}
	candidates := driver // sorted in place: the order of touched does not matter
	slices.Sort(candidates)
	out := make([]Match, 0, len(candidates))
	single := len(words) == 1 && len(words[0]) == 1
	code := strings.TrimFunc(q, isPunct) // "(A101)," is the code A101
	for _, c := range candidates {
		i := int(c)
		fields := uint8(0xff)
		all := true
		for _, m := range masks {
			if m.fields[i] == 0 {
				all = false
				break
			}
			fields &= m.fields[i]
		}
		if !all {
			continue
		}
		t := TierAnywhere
		switch {
		case ix.codes[i] == code:
			t = TierExactCode
		case single && fields&fieldCode != 0 && strings.HasPrefix(ix.codes[i], code):
			t = TierCodePrefix
		case fields&fieldDesignation != 0:
			t = TierDesignation
		case fields&fieldDisplay != 0:
			t = TierDisplay
		}
		out = append(out, Match{Index: i, Tier: t})
	}
	// The candidates are in index order, so a stable sort by tier ranks
	// them by tier, then index.
	slices.SortStableFunc(out, func(a, b Match) int { return int(a.Tier) - int(b.Tier) })
	return out
}

// wordMask holds, per concept, the fields in which one query word matched,
// and the concepts it touched (so that clearing and scanning cost the
// matches, not the size of the system).
type wordMask struct {
	fields  []uint8
	touched []int32
}

func (ix *TextIndex) newMask() wordMask {
	return *ix.masks.Get().(*wordMask)
}

func (ix *TextIndex) release(m wordMask) {
	for _, c := range m.touched {
		m.fields[c] = 0
	}
	m.touched = m.touched[:0]
	ix.masks.Put(&m)
}

// wordMask marks the fields in which a query word matched. A word of
// several parts (a hyphenated word) matches as the joined word, or as all
// of its parts.
func (ix *TextIndex) wordMask(parts []string) wordMask {
	m := ix.newMask()
	if len(parts) == 1 {
		ix.markWord(&m, parts[0])
		return m
	}
	ix.markWord(&m, strings.Join(parts, ""))
	partMasks := make([]wordMask, len(parts))
	for i, p := range parts {
		partMasks[i] = ix.newMask()
		ix.markWord(&partMasks[i], p)
	}
	defer func() {
		for _, pm := range partMasks {
			ix.release(pm)
		}
	}()
	for _, c := range partMasks[0].touched {
		and, all := uint8(0xff), true
		for _, pm := range partMasks {
			and &= pm.fields[c]
			all = all && pm.fields[c] != 0
		}
		if all {
			if and == 0 {
				and = fieldSpread
			}
			m.mark(c, and)
		}
	}
	return m
}

func (m *wordMask) mark(c int32, fields uint8) {
	if m.fields[c] == 0 {
		m.touched = append(m.touched, c)
	}
	m.fields[c] |= fields
}

// markWord marks every token the word matches: tokens it prefixes, tokens
// of the same stem, and its synonyms.
func (ix *TextIndex) markWord(m *wordMask, w string) {
	lo := sort.SearchStrings(ix.tokens, w)
	for id := lo; id < len(ix.tokens) && strings.HasPrefix(ix.tokens[id], w); id++ {
		ix.markToken(m, id)
	}
	s := stem(w)
	for _, id := range ix.byStem[s] {
		ix.markToken(m, int(id))
	}
	for _, syn := range ix.synonyms[s] {
		for _, id := range ix.byStem[stem(syn)] {
			ix.markToken(m, int(id))
		}
	}
}

func (ix *TextIndex) markToken(m *wordMask, id int) {
	for _, p := range ix.postings[id] {
		m.mark(p.concept, p.fields)
	}
}

// indexTokens splits a text into lower-cased words, adding the joined form
// of hyphenated words ("non-adjunctive" also gives "nonadjunctive") and
// short slash abbreviations whole ("W/c" gives "w/c" as well as "w", "c").
func indexTokens(text string) []string {
	var out []string
	for _, chunk := range strings.Fields(strings.ToLower(text)) {
		chunk = strings.TrimFunc(chunk, isPunct)
		if chunk == "" {
			continue
		}
		parts := splitWords(chunk)
		out = append(out, parts...)
		if isSlashAbbreviation(chunk) {
			out = append(out, chunk)
		}
		if strings.Contains(chunk, "-") && len(parts) > 1 {
			for _, seg := range strings.Split(chunk, ",") {
				if hy := splitWords(seg); len(hy) > 1 && strings.Contains(seg, "-") {
					out = append(out, strings.Join(hy, ""))
				}
			}
		}
	}
	return out
}

// queryWords splits a query into words; each word is its parts (several
// for a hyphenated word).
func queryWords(q string) [][]string {
	var out [][]string
	for _, chunk := range strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }) {
		chunk = strings.TrimFunc(chunk, isPunct)
		switch {
		case chunk == "":
		case isSlashAbbreviation(chunk):
			out = append(out, []string{chunk})
		case strings.Contains(chunk, "-"):
			for _, seg := range strings.FieldsFunc(chunk, func(r rune) bool { return !isWordRune(r) && r != '-' }) {
				if parts := splitWords(seg); len(parts) > 0 {
					out = append(out, parts)
				}
			}
		default:
			for _, p := range splitWords(chunk) {
				out = append(out, []string{p})
			}
		}
	}
	return out
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// IsWordRune reports whether r belongs to a word as the text index splits
// text: a letter or a digit.
func IsWordRune(r rune) bool { return isWordRune(r) }

// WordMatches reports whether a lower-cased query word matches a
// lower-cased word of a text as the index matches them: the query word is
// a prefix of it, or both have the same light singular ("crutches",
// "crutch"). A page that marks the matched words (the code browser) asks
// this, so that it marks what the index matched.
func WordMatches(token, queryWord string) bool {
	return strings.HasPrefix(token, queryWord) || stem(token) == stem(queryWord)
}

func isPunct(r rune) bool { return !isWordRune(r) }

// isSlashAbbreviation: "w/c", "w/o", "o/p": one or two letters on each side.
func isSlashAbbreviation(s string) bool {
	a, b, ok := strings.Cut(s, "/")
	short := func(x string) bool {
		return len(x) >= 1 && len(x) <= 2 && !slices.ContainsFunc([]rune(x), func(r rune) bool { return !unicode.IsLetter(r) })
	}
	return ok && short(a) && short(b)
}

// stem is a light English singular: "crutches" → "crutch", "batteries" →
// "battery", "strips" → "strip"; "glass", "status", "pelvis" are kept.
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

package terminology

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// ReadProcNotes reads CMS's processing-notes file (proc_notes_2020.txt) and
// returns the text of each note by its four-digit number, as PROCNOTE
// refers to it ("0088").
//
// The file is a printed report, cp1252: a title, then one block per note
// that starts with "NNNN--" after some indentation and wraps onto following
// lines; each line ends in a margin "*". Indentation may be spaces or TABs.
// A note's text is its lines without the margin, joined and with every run
// of blanks reduced to one space. Lines before the first note are skipped. A
// note number given twice is an error naming the line; name is used in
// error messages only.
func ReadProcNotes(r io.Reader, name string) (map[string]string, error) {
	sc := bufio.NewScanner(charmap.Windows1252.NewDecoder().Reader(r))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	notes := make(map[string]string, 256)
	first := make(map[string]int, 256)
	var (
		cur  string
		text []string
	)
	flush := func() {
		if cur != "" {
			notes[cur] = strings.Join(text, " ")
		}
	}
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimRight(sc.Text(), " \t\r\f\v\u00a0")
		s = strings.TrimSuffix(s, "*")
		words := strings.Fields(s)
		if len(words) == 0 {
			continue
		}
		if num, rest, ok := noteStart(words[0]); ok {
			flush()
			if prev, dup := first[num]; dup {
				return nil, readErrf(name, "", line, "processing note %s is given again (first at line %d)", num, prev)
			}
			first[num] = line
			cur, text = num, text[:0]
			if rest != "" {
				text = append(text, rest)
			}
			text = append(text, words[1:]...)
			continue
		}
		if cur != "" {
			text = append(text, words...)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, readErr(name, "", 0, err)
	}
	flush()
	if len(notes) == 0 {
		return nil, readErr(name, "", 0, fmt.Errorf("no processing notes (lines starting NNNN--)"))
	}
	return notes, nil
}

// noteStart splits the first word of a line like "0088--\"S\"" into the note
// number and the rest of the word.
func noteStart(word string) (num, rest string, ok bool) {
	if len(word) < 6 || word[4:6] != "--" || !allDigits(word[:4]) {
		return "", "", false
	}
	return word[:4], word[6:], true
}

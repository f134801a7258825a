package gitlab

import (
	"strings"
	"unicode/utf8"
)

// MaxDescription is the longest commit status description GitLab takes,
// in characters.
const MaxDescription = 255

// maxTargetURL is the longest target URL GitLab takes.
const maxTargetURL = 255

// Truncate shortens s to MaxDescription characters, ending a shortened
// description with "…" so that the reader sees it was cut. It never splits
// a character, and replaces invalid UTF-8, which GitLab would refuse.
func Truncate(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= MaxDescription {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxDescription-1 {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n++
	}
	return s
}

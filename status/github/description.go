package github

import (
	"strings"
	"unicode/utf8"
)

// MaxDescription is the longest commit status description GitHub takes, in
// characters; it refuses longer ones with 422.
const MaxDescription = 140

// Truncate shortens s to MaxDescription characters, ending a shortened
// description with "…" so that the reader sees it was cut. It never splits
// a character, and replaces invalid UTF-8, which GitHub would refuse.
func Truncate(s string) string {
	return truncateTo(strings.ToValidUTF8(s, "\uFFFD"), MaxDescription)
}

// truncateTo shortens s to max characters, the last one "…" when cut.
func truncateTo(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n++
	}
	return s
}

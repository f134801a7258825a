package github

import (
	"strings"
	"unicode/utf8"

	"github.com/ofcbuild/ofc/pipeline"
)

// MaxCheckOutput is the longest check run summary or text GitHub takes. Its
// documentation says 65,535 characters, but it counts bytes: a longer one
// is refused with 422 "summary exceeds a maximum bytesize of 65535".
const MaxCheckOutput = 65535

// MaxCheckTitle is the longest check run title written. GitHub documents
// no limit; the title is the one-line heading of the run on the pull
// request, so anything longer is noise there and belongs in the summary.
const MaxCheckTitle = 255

// KeepTail shortens s to at most max bytes by dropping its start, which it
// marks with "…": of a long log or error, the end is what tells the reader
// what happened. It never splits a character, and replaces invalid UTF-8,
// which GitHub would refuse.
func KeepTail(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	const mark = "…"
	if max < len(mark) {
		return ""
	}
	cut := len(s) - (max - len(mark))
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	return mark + s[cut:]
}

// checkTitle is the first line of the description, cut to MaxCheckTitle
// characters; GitHub requires a title, so a bare status gets one from its
// state.
func checkTitle(st pipeline.CommitStatus) string {
	line, _, _ := strings.Cut(strings.TrimSpace(st.Description), "\n")
	line = strings.ToValidUTF8(strings.TrimSpace(line), "\uFFFD")
	if line == "" {
		switch st.State {
		case pipeline.StatusPending:
			return "In progress"
		case pipeline.StatusSuccess:
			return "Succeeded"
		case pipeline.StatusCancelled:
			return "Cancelled"
		default:
			return "Failed"
		}
	}
	return truncateTo(line, MaxCheckTitle)
}

// linkURL escapes what would end a Markdown link's destination early.
var linkURL = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// checkSummary is the description, then a link to the build's page; cut
// from the start, so the link and the end of the message survive.
func checkSummary(st pipeline.CommitStatus) string {
	summary := st.Description
	if summary == "" {
		summary = checkTitle(st)
	}
	if st.TargetURL != "" {
		summary += "\n\n[Build log](" + linkURL.Replace(st.TargetURL) + ")"
	}
	return KeepTail(summary, MaxCheckOutput)
}

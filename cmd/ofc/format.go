package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ofcbuild/ofc/pipeline"
)

// ANSI styles.
const (
	reset   = "\x1b[0m"
	bold    = "\x1b[1m"
	dim     = "\x1b[2m"
	red     = "\x1b[31m"
	green   = "\x1b[32m"
	yellow  = "\x1b[33m"
	blue    = "\x1b[34m"
	magenta = "\x1b[35m"
	cyan    = "\x1b[36m"
)

// printer writes what the commands show: plain text, or coloured for a
// terminal.
type printer struct {
	out   io.Writer
	color bool
	// loc is the zone times are shown in; now is the clock ages and
	// running durations are measured by.
	loc *time.Location
	now func() time.Time
	// maxMessage clips commit messages in tables, 0 for no limit.
	maxMessage int
}

// paint wraps s in style when colouring.
func (p *printer) paint(style, s string) string {
	if !p.color || style == "" || s == "" {
		return s
	}
	return style + s + reset
}

// stateStyle is the colour of a build state.
func stateStyle(s pipeline.State) string {
	switch s {
	case pipeline.Success:
		return green
	case pipeline.Failure:
		return red
	case pipeline.Error:
		return bold + red
	case pipeline.Running:
		return yellow
	case pipeline.Queued, pipeline.Superseded:
		return dim
	}
	return ""
}

// functionStyle gives each function name a steady colour of its own.
func functionStyle(name string) string {
	colors := [...]string{cyan, magenta, blue, yellow, green, "\x1b[96m", "\x1b[95m", "\x1b[94m"}
	h := fnv.New32a()
	h.Write([]byte(name))
	return colors[h.Sum32()%uint32(len(colors))]
}

// logLine prints one line of a log as "HH:MM:SS [function] step | text";
// the function is shown when the lines of several streams are mixed and
// the line is not of the build's own stream.
func (p *printer) logLine(l pipeline.LogLine, showFunction bool) {
	var b strings.Builder
	b.WriteString(p.paint(dim, l.Time.In(p.loc).Format(time.TimeOnly)))
	b.WriteByte(' ')
	if showFunction && l.Function != "" {
		b.WriteString(p.paint(functionStyle(l.Function), "["+clean(l.Function)+"]"))
		b.WriteByte(' ')
	}
	b.WriteString(p.paint(dim, fmt.Sprintf("%-7s |", clean(string(l.Step)))))
	b.WriteByte(' ')
	b.WriteString(clean(strings.TrimRight(l.Text, "\r\n")))
	b.WriteByte('\n')
	io.WriteString(p.out, b.String())
}

// cell is one cell of a table and its style.
type cell struct {
	text, style string
}

// table prints rows under a header, columns padded to their widest cell
// by the text's width, not the width of its colour codes.
func (p *printer) table(header []string, rows [][]cell) {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	head := make([]cell, len(header))
	for i, h := range header {
		head[i] = cell{h, bold}
	}
	for _, r := range append([][]cell{head}, rows...) {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(p.paint(c.style, c.text))
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)))
			}
		}
		io.WriteString(p.out, strings.TrimRight(b.String(), " ")+"\n")
	}
}

// ago is the age of t in one unit: 45s, 12m, 3h, 9d.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// span is a duration to the second in at most two units: 9s, 1m05s, 2h03m.
func span(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// clean makes text from a build or a commit safe to show: a build may be
// a stranger's pull request, and its output must not drive the terminal,
// so control characters other than tabs are shown as U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' {
			return utf8.RuneError
		}
		return r
	}, s)
}

// clip shortens s to n runes, marking the cut; n <= 0 keeps s whole.
func clip(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

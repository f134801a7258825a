// Package benchdoc holds what the benchmark commands under bench/ share in
// writing docs/benchmarks.md: each command's section of the file, the
// machine facts every section states, and the statistics its tables show.
// One copy keeps the sections alike and their figures comparable.
package benchdoc

import (
	"fmt"
	"os"
	"strings"
)

// heading starts the file when a command writes it first: the rule every
// section follows.
const heading = "# Benchmarks\n\nEach figure compares the service with a baseline measured in the same run.\n\n"

// Section is one command's part of docs/benchmarks.md, named by the
// command: the text between <!-- NAME-bench:begin --> and
// <!-- NAME-bench:end -->. Each command rewrites only its own, so the
// others' figures and the prose around them stay as they are. A string,
// so that a command can hold its section in a constant.
type Section string

// Begin is the marker that opens the section.
func (s Section) Begin() string { return "<!-- " + string(s) + "-bench:begin -->" }

// End is the marker that closes the section.
func (s Section) End() string { return "<!-- " + string(s) + "-bench:end -->" }

// Write puts text, which holds both markers, into the file at path in
// place of the section's old text, or at its end, keeping everything else.
func (s Section) Write(path, text string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(s.Replace(string(old), text)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Replace returns doc with text in place of the section between the
// markers, or appended after a blank line when doc has none, so that a
// command run for the first time adds its section.
func (s Section) Replace(doc, text string) string {
	begin, end := s.Begin(), s.End()
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i >= 0 && j > i {
		rest := strings.TrimPrefix(doc[j+len(end):], "\n")
		return doc[:i] + text + rest
	}
	if doc == "" {
		return heading + text
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + text
}

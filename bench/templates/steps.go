package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// step is one vertex of a build as its plain progress shows it: a
// Dockerfile instruction ("[ship 9/10] RUN npm test --if-present"), an
// internal one ("[internal] load build context") or the export ("exporting
// to image", which pushes too).
type step struct {
	name string
	// took is the time BuildKit reported on its DONE line.
	took time.Duration
	// cached is true when BuildKit reused a cached result.
	cached bool
}

var progressLine = regexp.MustCompile(`^#(\d+) (.*)$`)

// steps reads the build log buildkit.Builder writes, BuildKit's plain
// progress, into its steps in the order they started. A vertex's first
// line is its name; its output and status lines come after it.
func steps(log string) []step {
	var out []step
	index := map[int]int{}
	for line := range strings.Lines(log) {
		m := progressLine.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if m == nil {
			continue
		}
		id, _ := strconv.Atoi(m[1])
		rest := m[2]
		i, seen := index[id]
		if !seen {
			index[id] = len(out)
			out = append(out, step{name: rest})
			continue
		}
		switch {
		case rest == "CACHED":
			out[i].cached = true
		case strings.HasPrefix(rest, "DONE "):
			if d, err := time.ParseDuration(strings.TrimPrefix(rest, "DONE ")); err == nil {
				out[i].took = d
			}
		}
	}
	return out
}

// instruction matches the steps that are Dockerfile instructions, by
// stage and number: "[ship  9/11] COPY ..." or, in a Dockerfile of one
// stage, "[2/9] RUN ...". The first of a stage is its FROM.
var instruction = regexp.MustCompile(`^\[(?:(\S+)\s+)?(\d+)/(\d+)\] `)

// instructionsRun counts the Dockerfile instructions after the FROMs that
// a build ran rather than took from the cache, and all of them, in the
// stages the build's log shows.
func instructionsRun(ss []step) (ran, of int) {
	stages := map[string]int{}
	for _, st := range ss {
		m := instruction.FindStringSubmatch(st.name)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		total, _ := strconv.Atoi(m[3])
		stages[m[1]] = total - 1
		if n > 1 && !st.cached {
			ran++
		}
	}
	for _, n := range stages {
		of += n
	}
	return ran, of
}

// shortName is a step's name for a table: RUN's --mount flags, which say
// nothing about what the step does, left out, and the rest cut short.
func shortName(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if !strings.HasPrefix(w, "--mount=") {
			words = append(words, w)
		}
	}
	s := strings.Join(words, " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

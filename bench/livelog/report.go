package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
	"github.com/ofcbuild/ofc/logs"
)

// section is the part of docs/benchmarks.md this command rewrites.
const section benchdoc.Section = "livelog"

// goal is the live log's promise: p95 from print to SSE client.
const goal = 500 * time.Millisecond

// summary is every path's stats over all the measured builds.
type summary struct {
	builds, printed, chunks                  int
	builder, stored, published, live, polled benchdoc.Percentiles
	// added is, line by line, the live arrival less the builder's: what
	// storing, publishing and serving add to BuildKit's delivery. served
	// is the live arrival less the commit: NATS, the handler and HTTP.
	added, served benchdoc.Percentiles
}

func summarise(results []result) summary {
	s := summary{builds: len(results)}
	var builder, stored, published, live, polled, added, served []time.Duration
	for _, r := range results {
		s.printed += r.printed
		s.chunks += r.chunks
		builder = append(builder, values(r.builder)...)
		stored = append(stored, values(r.stored)...)
		published = append(published, values(r.published)...)
		live = append(live, values(r.live)...)
		polled = append(polled, values(r.polled)...)
		added = append(added, differences(r.live, r.builder)...)
		served = append(served, differences(r.live, r.stored)...)
	}
	s.builder, s.stored, s.published = benchdoc.Summarise(builder), benchdoc.Summarise(stored), benchdoc.Summarise(published)
	s.live, s.polled = benchdoc.Summarise(live), benchdoc.Summarise(polled)
	s.added, s.served = benchdoc.Summarise(added), benchdoc.Summarise(served)
	return s
}

// values are m's delays in line order.
func values(m map[int]time.Duration) []time.Duration {
	out := make([]time.Duration, 0, len(m))
	for _, n := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[n])
	}
	return out
}

// differences are, for each line in both, how much later it arrived at
// later than at earlier.
func differences(later, earlier map[int]time.Duration) []time.Duration {
	var out []time.Duration
	for _, n := range slices.Sorted(maps.Keys(later)) {
		if e, ok := earlier[n]; ok {
			out = append(out, later[n]-e)
		}
	}
	return out
}

// render writes the markdown section, markers included.
func render(f facts, s summary, o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Live log: a RUN step's line to an SSE client\n\n", section.Begin())
	fmt.Fprintf(&b, "Measured %s with `make bench-livelog` (`go run ./bench/livelog -runs %d -lines %d`, dev stack up).\n",
		time.Now().UTC().Format("2006-01-02"), o.runs, o.lines)
	fmt.Fprintf(&b, "Machine: %s; buildkitd %s; Postgres %s; NATS %s.\n\n",
		f.host, f.buildkitd, f.postgres, f.natsd)
	fmt.Fprintf(&b, method, o.lines, o.interval, o.poll)
	fmt.Fprintf(&b, "| %d builds × %d lines | lines | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|\n", s.builds, o.lines)
	row := func(name string, st benchdoc.Percentiles, of int) {
		count := fmt.Sprint(st.N)
		if of > 0 {
			count = fmt.Sprintf("%d of %d", st.N, of)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", name, count, msf(st.P50), msf(st.P95), msf(st.P99), msf(st.Max))
	}
	row("baseline: reached the builder process (BuildKit's own delivery)", s.builder, s.printed)
	row("stored: its chunk committed (`store.AppendLog` returned)", s.stored, s.printed)
	row("published: its batch handed to NATS (`queue.PublishLog` returned)", s.published, s.printed)
	row("**live log: received by the SSE client**", s.live, s.printed)
	row("added by the live log, line by line (SSE client − baseline)", s.added, 0)
	row("of which after the commit, line by line (SSE client − stored)", s.served, 0)
	row(fmt.Sprintf("comparison: received by a client polling every %s", o.poll), s.polled, s.printed)
	verdict := "met"
	if s.live.P95 > goal || s.live.N < s.printed {
		verdict = "not met"
	}
	fmt.Fprintf(&b, "\nGoal: p95 from print to SSE client at most %s: **%s**: p95 %s, p50 %s, %d of %d lines received.\n",
		fmt.Sprintf("%d ms", goal.Milliseconds()), verdict, msf(s.live.P95), msf(s.live.P50), s.live.N, s.printed)
	fmt.Fprintf(&b, "BuildKit's own delivery takes %s at the median (p95 %s); the live log adds %s at the median (p95 %s),\n"+
		"%s of it after the commit. A page polling every %s would show a line %s after it was printed at the median\n"+
		"(p95 %s).\n\n", msf(s.builder.P50), msf(s.builder.P95), msf(s.added.P50), msf(s.added.P95),
		msf(s.served.P50), o.poll, msf(s.polled.P50), msf(s.polled.P95))
	if s.builds > 0 && s.chunks > 0 {
		fmt.Fprintf(&b, "The recorder stored %.1f chunks per build, %.0f lines each on average.\n\n",
			float64(s.chunks)/float64(s.builds), float64(s.printed)/float64(s.chunks))
	}
	fmt.Fprintf(&b, whereTheTimeGoes, msf(logs.DefaultFlushEvery))
	fmt.Fprintf(&b, "%s\n", section.End())
	return b.String()
}

// method says how the figures were measured: lines, interval, poll.
const method = `Each build is a push recorded and claimed in a database of the bench's own, as the webhook and a
builder do, then built by the dev stack's buildkitd from a Dockerfile whose ` + "`RUN`" + ` step prints %d lines
about %s apart, each with the wall-clock time it was printed at (busybox ` + "`adjtimex`" + ` in the container,
which shares this host's clock) and a nonce that keeps the step out of BuildKit's cache. A line takes
the builder's path, ` + "`buildkit.Builder.Build`" + ` writing BuildKit's plain progress to a ` + "`pipeline.LineWriter`" + `
into ` + "`logs.Recorder`" + ` (masking, numbering, chunks stored in Postgres as ` + "`cmd/builder`" + ` configures it, with
` + "`synchronous_commit = on`" + ` as in production, then published on core NATS), and the read side's, on
store and NATS connections of its own: ` + "`api.BuildLogs`" + ` served over HTTP by ` + "`net/http/httptest`" + `, read by a
client of ` + "`GET /api/builds/{id}/logs?follow=1`" + `. The baseline, in the same builds, is when each line
reached the builder process: the writer BuildKit's progress is written to, tapped before the recorder;
the stored and published rows tap the recorder's store and publisher. Beside the live client, one polls
the JSON endpoint (` + "`?after=N`" + `) every %s, as a page without live streaming would. Each build ends as the
runner ends one: its last lines stored, then its final state, then the end of the log. Delays run from
the print to the arrival.

`

// whereTheTimeGoes explains the figures by the code they measure.
const whereTheTimeGoes = `Why: BuildKit's plain progress (` + "`progressui`" + `) writes at most once per 100 ms, so lines reach the
builder in bursts. The recorder stores a chunk %s after the first line waiting in it
(` + "`logs.DefaultFlushEvery`" + `): late enough that a burst is one chunk, early enough to add little. The
commit, NATS and HTTP come on top. Chunks are stored one at a time, so a slow commit also holds back
the chunk after it.
`

func msf(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

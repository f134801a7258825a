package main

import (
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"
)

// dockerfile is the measured build: one RUN step that prints lines spaced
// apart, each carrying the wall-clock time it was printed at. busybox's
// date has no sub-second format, so the time comes from adjtimex, which
// reads the kernel's clock, shared by the build's container and this
// process. NONCE is a build argument, which makes every build's RUN step
// new to BuildKit's cache.
const dockerfile = `FROM busybox
ARG NONCE
ARG LINES=300
ARG INTERVAL_US=30000
RUN i=0; while [ "$i" -lt "$LINES" ]; do i=$((i+1)); adjtimex | awk -v n="$NONCE" -v i="$i" '/tv_sec:/ {s=$2} /tv_usec:/ {u=$2} END {printf "` + markWord + ` %s %s %s %s\n", n, i, s, u}'; usleep "$INTERVAL_US"; done
`

// markWord starts every measured line, before the build's nonce.
const markWord = "livelog"

// mark is what a measured line says: its number in the build and when the
// RUN step printed it.
type mark struct {
	n       int
	printed time.Time
}

// parseMark reads a measured line of the build with nonce out of a log
// line, wherever BuildKit's plain progress puts it ("#6 1.234 livelog
// <nonce> <n> <seconds> <microseconds>"). Any other line, the RUN
// command's own text included, is not one.
func parseMark(text, nonce string) (mark, bool) {
	prefix := markWord + " " + nonce + " "
	i := strings.Index(text, prefix)
	if i < 0 {
		return mark{}, false
	}
	f := strings.Fields(text[i+len(prefix):])
	if len(f) != 3 {
		return mark{}, false
	}
	n, err1 := strconv.Atoi(f[0])
	sec, err2 := strconv.ParseInt(f[1], 10, 64)
	usec, err3 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || n < 1 || usec < 0 || usec >= 1e6 {
		return mark{}, false
	}
	return mark{n: n, printed: time.Unix(sec, usec*1000)}, true
}

// arrivals records when each measured line of one build reached one
// place. Safe for concurrent use.
type arrivals struct {
	nonce string

	mu  sync.Mutex
	lag map[int]time.Duration // by line number, from print to arrival
}

func newArrivals(nonce string) *arrivals {
	return &arrivals{nonce: nonce, lag: map[int]time.Duration{}}
}

// add notes that the log line text arrived at at; a line seen before
// keeps its first arrival.
func (a *arrivals) add(text string, at time.Time) {
	m, ok := parseMark(text, a.nonce)
	if !ok {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, seen := a.lag[m.n]; !seen {
		// printed has no monotonic reading, so this is wall clock
		// against wall clock.
		a.lag[m.n] = at.Sub(m.printed)
	}
}

// lags returns the delays recorded, by line number.
func (a *arrivals) lags() map[int]time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.lag)
}

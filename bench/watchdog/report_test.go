package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

func TestParseStat(t *testing.T) {
	// A command with spaces and a parenthesis, as /proc allows.
	stat := "4242 (fw (a) b) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 7 3 20 0 8 0 100 0 0"
	got, err := parseStat(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := (150 + 50 + 7 + 3) * clockTick; got != want {
		t.Errorf("parseStat = %s, want %s", got, want)
	}
	if _, err := parseStat("4242 (short) S 1 2"); err == nil {
		t.Error("a short stat line parsed")
	}
}

func TestRender(t *testing.T) {
	ms := time.Millisecond
	res := func(n int, lat time.Duration, cpu map[string]time.Duration) *result {
		r := &result{n: n, elapsed: time.Second, cpu: cpu}
		for range n {
			r.latencies = append(r.latencies, lat)
		}
		return r
	}
	rep := report{
		opts: options{duration: time.Second, rounds: 1, concurrency: 16, forkConc: 4, wait: 2 * ms},
		host: benchdoc.Host{Cores: 2, Kernel: "6.1"}, date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		results: map[string]*result{
			"direct":        res(1000, ms, map[string]time.Duration{roleClient: 40 * ms, roleFunction: 40 * ms}),
			"watchdog":      res(400, 2*ms, map[string]time.Duration{roleClient: 16 * ms, roleFunction: 16 * ms, roleHTTPWatchdog: 48 * ms}),
			"direct-wait":   res(500, 3*ms, nil),
			"watchdog-wait": res(450, 4*ms, nil),
			"exec":          res(100, 4*ms, map[string]time.Duration{roleClient: 150 * ms}),
			"fork":          res(90, 5*ms, map[string]time.Duration{roleClient: 18 * ms, roleForkWatchdog: 144 * ms}),
		},
	}
	text := rep.render()
	for _, want := range []string{
		section.Begin(), section.End(), "Measured 2026-01-02", "Machine: 2 cores; Linux 6.1.",
		"| function answering at once, called directly | 1000 req/s | 1.00 ms | 1.00 ms | 40 µs / 0 µs / 40 µs | 0 |",
		"**0.40×** the direct path", "**0.90×** for one waiting 2ms",
		"met for the waiting function, not for the one answering at once",
		"uses 120 µs of CPU per request", "= 0.40× the direct path, against 0.40× measured",
		"costs 1.00 ms more", "300 µs more CPU (1800 µs against 1500 µs",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("section lacks %q:\n%s", want, text)
		}
	}
}

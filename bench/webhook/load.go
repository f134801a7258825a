package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

type request struct {
	url, signature string
	body           []byte
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int64
	n        int
}

var seq atomic.Int64

// send makes one delivery with a fresh delivery id, as a distinct push.
func send(c *http.Client, r request) (time.Duration, error) {
	req, err := http.NewRequest(http.MethodPost, r.url, bytes.NewReader(r.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d-%d", os.Getpid(), seq.Add(1)))
	req.Header.Set("X-Hub-Signature-256", r.signature)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusAccepted {
		return took, fmt.Errorf("status %d", resp.StatusCode)
	}
	return took, nil
}

func client(conns int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute,
	}}
}

// closedLoop runs conc clients back to back for dur: the most the server
// answers.
func closedLoop(r request, conc int, dur time.Duration) result {
	c := client(conc)
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				d, err := send(c, r)
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return summarise(lat, time.Since(start), errs.Load())
}

// openLoop sends at a fixed rate for dur whatever the answers take, so
// that slow answers show in the latency instead of slowing the sender.
func openLoop(r request, rate int, dur time.Duration) result {
	c := client(256)
	n := int(float64(rate) * dur.Seconds())
	lat := make([]time.Duration, n)
	failed := make([]bool, n)
	interval := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := send(c, r)
			lat[i], failed[i] = d, err != nil
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var ok []time.Duration
	var errs int64
	for i := range lat {
		if failed[i] {
			errs++
			continue
		}
		ok = append(ok, lat[i])
	}
	return summarise(ok, elapsed, errs)
}

// summarise gives the rate and the latencies of a measurement. Its
// percentile is the (floor(p·n)+1)th latency in order, not the nearest
// rank of the other benchmarks: the published webhook figures are of this
// one, and over thousands of requests the two differ by one request.
func summarise(lat []time.Duration, elapsed time.Duration, errs int64) result {
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	return result{rps: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.50), p99: pct(0.99), errors: errs, n: len(lat)}
}

// section is the part of docs/benchmarks.md this command rewrites.
const section benchdoc.Section = "webhook"

// writeReport rewrites the webhook section of path, keeping the rest.
func writeReport(path string, res map[string][2]result, conc, rate int, dur time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Webhook: signed push to 202\n\n", section.Begin())
	fmt.Fprintf(&b, "Measured %s on this machine (%d cores) with `make bench-webhook`\n", time.Now().UTC().Format("2006-01-02"), benchdoc.ReadHost().Cores)
	b.WriteString("(`go run ./bench/webhook`, dev stack up). Both handlers run in the same process, in the same run,\n")
	b.WriteString("behind the same `net/http` server, with the load generator in that process too. Postgres commits\n")
	b.WriteString("with `synchronous_commit = on` (the dev stack turns it off for tests), so a 202 means the build is on disk.\n\n")
	fmt.Fprintf(&b, "| handler | throughput (%d clients, %s) | p99 there | p50 at %d req/s | p99 at %d req/s | errors |\n", conc, dur, rate, rate)
	b.WriteString("|---|---|---|---|---|---|\n")
	names := make([]string, 0, len(res))
	for k := range res {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		r := res[name]
		fmt.Fprintf(&b, "| %s | %.0f req/s | %.2f ms | %.2f ms | %.2f ms | %d |\n",
			name, r[0].rps, ms(r[0].p99), ms(r[1].p50), ms(r[1].p99), r[0].errors+r[1].errors)
	}
	var ours, bare [2]result
	for k, v := range res {
		if strings.HasPrefix(k, "bare") {
			bare = v
		} else {
			ours = v
		}
	}
	fmt.Fprintf(&b, "\nThroughput ratio: %.2f of the bare handler (goal: at least 0.50). p99 at %d req/s: %.2f ms (goal: at most 10 ms).\n%s\n",
		ours[0].rps/bare[0].rps, rate, ms(ours[1].p99), section.End())
	return section.Write(path, b.String())
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

// body is every request's body: a small JSON document, as functions are
// mostly called with.
var body = []byte(`{"id":12345,"name":"bench","tags":["a","b","c"],"payload":"0123456789abcdef0123456789abcdef0123456789abcdef"}` + "\n")

// target serves one request; an error is a failed request.
type target func(ctx context.Context, c *http.Client) error

// httpTarget POSTs body to url and wants a 200.
func httpTarget(url string) target {
	return func(ctx context.Context, c *http.Client) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := c.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	}
}

// execTarget runs name with body on its stdin, as the fork mode does,
// and wants body back: the floor under a fork per request.
func execTarget(name string) target {
	return func(ctx context.Context, _ *http.Client) error {
		cmd := exec.CommandContext(ctx, name)
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.Output()
		if err != nil {
			return err
		}
		if !bytes.Equal(out, body) {
			return fmt.Errorf("%s answered %d bytes, want %d", name, len(out), len(body))
		}
		return nil
	}
}

// measure runs conc clients back to back against t for dur: the most
// the path serves at that concurrency, and each request's latency.
func measure(ctx context.Context, t target, conc int, dur time.Duration) result {
	c := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConnsPerHost: conc, IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
	defer c.CloseIdleConnections()
	var (
		mu  sync.Mutex
		res result
		wg  sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(dur)
	for range conc {
		wg.Go(func() {
			var lat []time.Duration
			var errs int
			var first error
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				if err := t(ctx, c); err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.n = len(res.latencies)
	return res
}

// result is one path's measurements, over one round or several.
type result struct {
	latencies []time.Duration
	n, errors int
	elapsed   time.Duration
	firstErr  error
	// cpu is the CPU time each role used while measuring.
	cpu map[string]time.Duration
}

// add merges another round's measurement into r.
func (r *result) add(o result) {
	r.latencies = append(r.latencies, o.latencies...)
	r.n += o.n
	r.errors += o.errors
	r.elapsed += o.elapsed
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
	if r.cpu == nil {
		r.cpu = map[string]time.Duration{}
	}
	for k, v := range o.cpu {
		r.cpu[k] += v
	}
}

// cpuPerRequest is the CPU time role used per request answered.
func (r result) cpuPerRequest(role string) time.Duration {
	if r.n == 0 {
		return 0
	}
	return r.cpu[role] / time.Duration(r.n)
}

// measureCPU is measure, with the CPU time each of procs used meanwhile.
func measureCPU(ctx context.Context, procs roles, t target, conc int, dur time.Duration) (result, error) {
	before, err := procs.snapshot()
	if err != nil {
		return result{}, err
	}
	r := measure(ctx, t, conc, dur)
	after, err := procs.snapshot()
	if err != nil {
		return result{}, err
	}
	r.cpu = map[string]time.Duration{}
	for k := range after {
		r.cpu[k] = after[k] - before[k]
	}
	return r, nil
}

// rps is the requests answered per second of measuring.
func (r result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.n) / r.elapsed.Seconds()
}

func (r result) summary() benchdoc.Percentiles { return benchdoc.Summarise(r.latencies) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

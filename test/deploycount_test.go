package test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// deployCounter stands between the builders and the gateway and counts
// the deploys the gateway accepted, per function and image: the
// deployments table keeps one row per function, so only the gateway's
// side shows a function deployed twice with the same image.
type deployCounter struct {
	URL string

	mu     sync.Mutex
	counts map[deployKey]int
}

// deployKey is one function at one image (pinned by digest, so one
// commit's build).
type deployKey struct{ Service, Image string }

// newDeployCounter starts a reverse proxy to the gateway at gatewayURL,
// closed when t ends.
func newDeployCounter(t testing.TB, gatewayURL string) *deployCounter {
	t.Helper()
	target, err := url.Parse(gatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	d := &deployCounter{counts: map[deployKey]int{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isDeploy := r.URL.Path == "/system/functions" && (r.Method == http.MethodPost || r.Method == http.MethodPut)
		if !isDeploy {
			rp.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var fd struct {
			Service string `json:"service"`
			Image   string `json:"image"`
		}
		_ = json.Unmarshal(body, &fd)
		rec := &statusRecorder{ResponseWriter: w}
		rp.ServeHTTP(rec, r)
		// An update of a function the gateway does not have (404) is
		// followed by a create: only what the gateway took counts.
		if rec.code >= 200 && rec.code < 300 {
			d.mu.Lock()
			d.counts[deployKey{fd.Service, fd.Image}]++
			d.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	d.URL = srv.URL
	return d
}

// tally returns, for the functions whose names start with prefix, how
// many deploys the gateway took and how many of them deployed a function
// again with the image it was already given.
func (d *deployCounter) tally(prefix string) (deploys, duplicates int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, n := range d.counts {
		if strings.HasPrefix(k.Service, prefix) {
			deploys += n
			duplicates += n - 1
		}
	}
	return deploys, duplicates
}

// of is how many times service was deployed, with any image.
func (d *deployCounter) of(service string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for k, c := range d.counts {
		if k.Service == service {
			n += c
		}
	}
	return n
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets the proxy flush through the recorder.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
)

// t0 is the clock of every test: ages and times are measured from it.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// fakeAPI answers as cmd/webhook's API does, and records what it was asked.
type fakeAPI struct {
	t   *testing.T
	mux *http.ServeMux
	srv *httptest.Server

	mu       sync.Mutex
	requests []*http.Request
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, mux: http.NewServeMux()}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Clone(context.Background()))
		f.mu.Unlock()
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// handle serves pattern with h.
func (f *fakeAPI) handle(pattern string, h http.HandlerFunc) { f.mux.HandleFunc(pattern, h) }

// asked is every request so far.
func (f *fakeAPI) asked() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

// result is what one run of ofc printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// run runs ofc against the fake API in plain mode, with env added to
// OFC_URL, and a reconnection policy fast enough for tests.
func (f *fakeAPI) run(env map[string]string, args ...string) result {
	f.t.Helper()
	look := map[string]string{"OFC_URL": f.srv.URL}
	for k, v := range env {
		look[k] = v
	}
	return runOfc(f.t, look, args...)
}

func runOfc(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errs bytes.Buffer
	a := newApp(envconfig.Map(env), false, &out, &errs)
	a.loc, a.now = time.UTC, func() time.Time { return t0 }
	a.wait = backoff{Min: time.Millisecond, Max: 5 * time.Millisecond, Attempts: 4, Stable: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code := a.main(ctx, args)
	return result{code: code, stdout: out.String(), stderr: errs.String()}
}

// writeJSON answers v as the API does.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(code int, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, code, map[string]string{"error": msg}) }
}

// logLine is line seq of a test log, of function fn ("" the build's own).
func logLine(seq int64, fn string, step pipeline.Step, text string) pipeline.LogLine {
	return pipeline.LogLine{Seq: seq, Function: fn, Step: step, Time: t0.Add(time.Duration(seq) * time.Second), Text: text}
}

// sseLine writes a line event as the API streams it.
func sseLine(w http.ResponseWriter, l pipeline.LogLine) {
	data, _ := json.Marshal(l)
	fmt.Fprintf(w, "event: line\nid: %d\ndata: %s\n\n", l.Seq, data)
	w.(http.Flusher).Flush()
}

func sseEnd(w http.ResponseWriter, state pipeline.State) {
	fmt.Fprintf(w, "event: end\ndata: {\"state\":%q}\n\n", state)
	w.(http.Flusher).Flush()
}

func sseHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
}

// wantResult compares a run's exit code and output.
func wantResult(t *testing.T, got result, code int, stdout string) {
	t.Helper()
	if got.code != code {
		t.Errorf("exit code %d, want %d; stderr:\n%s", got.code, code, got.stderr)
	}
	if got.stdout != stdout {
		t.Errorf("stdout:\n%s\nwant:\n%s", got.stdout, stdout)
	}
}

// wantStderr checks that stderr says each of parts.
func wantStderr(t *testing.T, got result, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got.stderr, p) {
			t.Errorf("stderr %q does not say %q", got.stderr, p)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		status  int
		msg     string
		args    []string
		stderr  string
	}{
		{"GET /api/builds", http.StatusServiceUnavailable, "could not list builds", []string{"builds", "alice/fns"},
			"list builds of alice/fns: GET /api/builds: could not list builds (503 Service Unavailable)"},
		{"GET /api/builds/7/logs", http.StatusNotFound, "no such build", []string{"logs", "7"},
			"read the log of build 7: GET /api/builds/7/logs: no such build (404 Not Found)"},
		{"GET /api/repos", http.StatusForbidden, "no", []string{"builds"},
			"list repositories: GET /api/repos: no (403 Forbidden); check --token or OFC_TOKEN"},
	} {
		api := newFakeAPI(t)
		api.handle(tc.pattern, apiError(tc.status, tc.msg))
		got := api.run(nil, tc.args...)
		wantResult(t, got, exitAPI, "")
		wantStderr(t, got, tc.stderr)
	}
}

func TestUsage(t *testing.T) {
	api := newFakeAPI(t)
	for _, args := range [][]string{
		{}, {"nope"}, {"--nope", "builds"},
		{"builds", "fns"}, {"builds", "a/b", "c/d"}, {"builds", "--limit", "x"},
		{"logs"}, {"logs", "x"}, {"logs", "0"}, {"logs", "1", "2"}, {"logs", "1", "--color", "pink"},
		{"logs", "1", "--url", "127.0.0.1:8080"},
	} {
		if got := api.run(nil, args...); got.code != exitUsage || got.stderr == "" {
			t.Errorf("%q: exit code %d, want %d; stderr %q", args, got.code, exitUsage, got.stderr)
		}
	}
	if n := len(api.asked()); n != 0 {
		t.Errorf("%d requests for bad command lines", n)
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"logs", "-h"}} {
		if got := api.run(nil, args...); got.code != 0 || got.stdout+got.stderr == "" {
			t.Errorf("%q: exit code %d, no usage", args, got.code)
		}
	}
}

package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

const storeIndex = `[
  {"template": "golang-middleware", "platform": "armhf", "language": "Go", "source": "openfaas", "repo": "https://example.com/arm/golang-http-template", "official": "true"},
  {"template": "golang-middleware", "platform": "x86_64", "language": "Go", "source": "openfaas", "description": "HTTP middleware interface in Go", "repo": "https://github.com/openfaas/golang-http-template", "official": "true", "recommended": true},
  {"template": "bun-express", "platform": "x86_64", "source": "someone", "repo": "https://github.com/someone/bun-templates"}
]`

// The store resolves a template's name, or source/name, to its
// repository, prefers the builder's platform, and reads its index once
// per refresh.
func TestTemplateStoreLookup(t *testing.T) {
	var reads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.Add(1)
		_, _ = w.Write([]byte(storeIndex))
	}))
	defer srv.Close()
	clk := &clock{now: time.Unix(1e9, 0)}
	s := NewTemplateStore(StoreConfig{URL: srv.URL, Refresh: time.Minute, Now: clk.Now})
	for name, want := range map[string]string{
		"bun-express":                "https://github.com/someone/bun-templates",
		"someone/bun-express":        "https://github.com/someone/bun-templates",
		"golang-middleware":          "https://github.com/openfaas/golang-http-template",
		"openfaas/golang-middleware": "https://github.com/openfaas/golang-http-template",
		"python3-http":               "",
		"openfaas/bun-express":       "",
	} {
		got, err := s.Lookup(context.Background(), name)
		if err != nil || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("the index was read %d times within its refresh, want once", n)
	}
	clk.add(2 * time.Minute)
	if _, err := s.Lookup(context.Background(), "bun-express"); err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("the index was read %d times, want twice after the refresh", n)
	}
}

// An index that cannot be read is the installation's problem: transient,
// with its URL. One read before keeps serving while it is broken.
func TestTemplateStoreErrors(t *testing.T) {
	var body atomic.Value
	body.Store(storeIndex)
	status := atomic.Int32{}
	status.Store(200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
		_, _ = w.Write([]byte(body.Load().(string)))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		status int
		body   string
		says   string
	}{
		{404, "Not Found", "404"},
		{502, "", "502"},
		{200, "<html>", "not a templates.json index"},
	} {
		status.Store(int32(tc.status))
		body.Store(tc.body)
		_, err := NewTemplateStore(StoreConfig{URL: srv.URL}).Lookup(context.Background(), "x")
		if err == nil || !pipeline.IsTransient(err) || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), srv.URL) {
			t.Errorf("%d %q: %v, want a transient error saying %q and the URL", tc.status, tc.body, err, tc.says)
		}
	}

	status.Store(200)
	body.Store(storeIndex)
	clk := &clock{now: time.Unix(1e9, 0)}
	s := NewTemplateStore(StoreConfig{URL: srv.URL, Refresh: time.Minute, Now: clk.Now})
	if _, err := s.Lookup(context.Background(), "bun-express"); err != nil {
		t.Fatal(err)
	}
	status.Store(503)
	clk.add(time.Hour)
	if got, err := s.Lookup(context.Background(), "bun-express"); err != nil || got == "" {
		t.Errorf("with the store down, Lookup = %q, %v; want the last index's answer", got, err)
	}
}

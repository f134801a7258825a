// Package goproxytest runs a Go module proxy for tests (the GOPROXY
// protocol: @v/list, .info, .mod, .zip and @latest), serving modules made
// from files in memory, so that the real go command downloads them as it
// would from proxy.golang.org or a private proxy.
package goproxytest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Config says what the proxy serves.
type Config struct {
	// Modules are served by path; several versions of one path are listed
	// together, and @latest is the highest.
	Modules []Module
}

// Request is one request the proxy answered.
type Request struct {
	Method string
	// Path is the path as the go command sent it, escaped:
	// "/example.com/!acme/greet/@v/v1.0.0.zip".
	Path string
}

// Server is a running proxy, closed when the test ends.
type Server struct {
	srv     *httptest.Server
	modules map[string]map[string]*built // by path, then version
	order   []*built

	mu   sync.Mutex
	reqs []Request
}

// New starts a proxy serving cfg.Modules on 127.0.0.1, which BuildKit RUN
// steps on the host network reach too.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{modules: map[string]map[string]*built{}}
	for _, m := range cfg.Modules {
		b, err := build(m)
		if err != nil {
			t.Fatalf("goproxytest: %v", err)
		}
		if s.modules[m.Path] == nil {
			s.modules[m.Path] = map[string]*built{}
		}
		s.modules[m.Path][m.Version] = b
		s.order = append(s.order, b)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the proxy's base URL, http://127.0.0.1:port, to be set as
// GOPROXY.
func (s *Server) URL() string { return s.srv.URL }

// GoSum returns the go.sum lines of every module served, in the order
// given: with them committed, the go command verifies downloads against
// go.sum and never asks a checksum database about these modules.
func (s *Server) GoSum() string {
	var b strings.Builder
	for _, m := range s.order {
		b.WriteString(m.goSum())
	}
	return b.String()
}

// Requests returns the requests answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path})
	s.mu.Unlock()

	p := strings.TrimPrefix(r.URL.Path, "/")
	escPath, file, ok := strings.Cut(p, "/@v/")
	latest := false
	if !ok {
		escPath, latest = strings.CutSuffix(p, "/@latest")
	}
	path, err := module.UnescapePath(escPath)
	versions := s.modules[path]
	if err != nil || (!ok && !latest) || versions == nil {
		// 404 and 410 tell the go command "not here", so that it tries
		// the next entry of GOPROXY; anything else stops it.
		http.Error(w, "not found: "+p, http.StatusNotFound)
		return
	}

	if latest || file == "list" {
		list := make([]string, 0, len(versions))
		for v := range versions {
			list = append(list, v)
		}
		semver.Sort(list)
		if latest {
			write(w, "application/json", versions[list[len(list)-1]].info)
			return
		}
		write(w, "text/plain; charset=utf-8", []byte(strings.Join(list, "\n")+"\n"))
		return
	}

	dot := strings.LastIndex(file, ".")
	if dot < 0 {
		http.Error(w, "not found: "+p, http.StatusNotFound)
		return
	}
	v, err := module.UnescapeVersion(file[:dot])
	b := versions[v]
	if err != nil || b == nil {
		http.Error(w, "not found: "+p, http.StatusNotFound)
		return
	}
	switch file[dot:] {
	case ".info":
		write(w, "application/json", b.info)
	case ".mod":
		write(w, "text/plain; charset=utf-8", b.gomod)
	case ".zip":
		write(w, "application/zip", b.zip)
	default:
		http.Error(w, "not found: "+p, http.StatusNotFound)
	}
}

func write(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Write(body)
}

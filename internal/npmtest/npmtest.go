// Package npmtest runs a private npm registry for tests: packuments and
// tarballs of packages made in Go, behind a bearer token, so that the real
// npm client installs from it exactly as it would from a private registry
// a user configures in .npmrc.
package npmtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Config says what the registry serves and to whom.
type Config struct {
	// Token is the bearer token every request must carry. Empty serves
	// everyone, as a public registry would.
	Token string
	// Packages are served by name; several versions of one name make one
	// packument whose latest is the last of them given.
	Packages []Package
}

// Request is one request the registry answered.
type Request struct {
	Method string
	// Path is the decoded path: "/@scope/name" whether npm asked for
	// "/@scope%2fname" or not, "/@scope/name/-/name-1.0.0.tgz".
	Path string
	// Authorized says whether the request carried the token.
	Authorized bool
}

// Server is a running registry, closed when the test ends.
type Server struct {
	cfg      Config
	srv      *httptest.Server
	byName   map[string][]*built
	tarballs map[string]*built // by "name/-/file"

	mu   sync.Mutex
	reqs []Request
}

// New starts a registry serving cfg.Packages on 127.0.0.1, which BuildKit
// RUN steps on the host network reach too.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{cfg: cfg, byName: map[string][]*built{}, tarballs: map[string]*built{}}
	for _, p := range cfg.Packages {
		b, err := build(p)
		if err != nil {
			t.Fatalf("npmtest: %v", err)
		}
		s.byName[p.Name] = append(s.byName[p.Name], b)
		s.tarballs[p.Name+"/-/"+b.file] = b
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the registry's base URL, http://127.0.0.1:port, without a
// trailing slash.
func (s *Server) URL() string { return s.srv.URL }

// NPMRC returns the .npmrc lines a user would keep in a secret to install
// @scope packages from this registry: the scope's registry and the token
// for it, keyed by the registry's URL without its scheme as npm expects.
// Without a Token there is no token line.
func (s *Server) NPMRC(scope string) string {
	scope = "@" + strings.TrimPrefix(scope, "@")
	rc := scope + ":registry=" + s.srv.URL + "/\n"
	if s.cfg.Token != "" {
		rc += "//" + strings.TrimPrefix(s.srv.URL, "http://") + "/:_authToken=" + s.cfg.Token + "\n"
	}
	return rc
}

// Requests returns the requests answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	authorized := s.cfg.Token == "" || r.Header.Get("Authorization") == "Bearer "+s.cfg.Token
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Authorized: authorized})
	s.mu.Unlock()

	if !authorized {
		// The body private registries send; npm prints its "error" after
		// "401 Unauthorized - GET <url>". No WWW-Authenticate header, which
		// would make npm print only the header's challenge.
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "authentication required"})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
		return
	}
	// Go decodes "%2f", so "/@scope%2fname" and "/@scope/name" meet here.
	p := strings.TrimPrefix(r.URL.Path, "/")
	if b, ok := s.tarballs[p]; ok {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(b.tarball)
		return
	}
	if vs, ok := s.byName[p]; ok {
		writeJSON(w, http.StatusOK, packument(s.srv.URL, p, vs))
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

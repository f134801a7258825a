// Package pypitest runs a PEP 503 "simple" package index for tests,
// serving wheels made in Go, optionally behind basic auth, so that the
// real pip installs from it as it would from PyPI or a private index.
package pypitest

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Config says what the index serves and to whom.
type Config struct {
	// Username and Password, when Username is set, are the basic auth
	// credentials every request must carry, as on a private index.
	Username, Password string
	// Wheels are listed under their normalized names; several versions of
	// one name share a project page.
	Wheels []Wheel
}

// Request is one request the index answered.
type Request struct {
	Method, Path string
	// Authorized says whether the request carried the credentials.
	Authorized bool
}

// Server is a running index, closed when the test ends.
type Server struct {
	cfg      Config
	srv      *httptest.Server
	projects map[string][]file // by normalized name
	files    map[string]file   // by file name

	mu   sync.Mutex
	reqs []Request
}

type file struct {
	name           string
	data           []byte
	sha256         string
	requiresPython string
}

// New starts an index serving cfg.Wheels on 127.0.0.1, which BuildKit RUN
// steps on the host network reach too.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{cfg: cfg, projects: map[string][]file{}, files: map[string]file{}}
	for _, w := range cfg.Wheels {
		data, err := w.build()
		if err != nil {
			t.Fatalf("pypitest: %v", err)
		}
		f := file{name: w.filename(), data: data, sha256: sha256Hex(data), requiresPython: w.RequiresPython}
		s.projects[Normalize(w.Name)] = append(s.projects[Normalize(w.Name)], f)
		s.files[f.name] = f
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL, http://127.0.0.1:port, without
// credentials or a trailing slash.
func (s *Server) URL() string { return s.srv.URL }

// IndexURL is what a user hands pip as --index-url: the simple index's
// URL, with the credentials in it when the index has any, from where pip
// takes them for every request to this host.
func (s *Server) IndexURL() string {
	u, _ := url.Parse(s.srv.URL + "/simple/")
	if s.cfg.Username != "" {
		u.User = url.UserPassword(s.cfg.Username, s.cfg.Password)
	}
	return u.String()
}

// Requests returns the requests answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	authorized := s.cfg.Username == ""
	if u, p, ok := r.BasicAuth(); ok && u == s.cfg.Username && p == s.cfg.Password {
		authorized = true
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Authorized: authorized})
	s.mu.Unlock()

	if !authorized {
		// The challenge is what makes pip look for credentials (URL,
		// netrc, keyring) and report a 401 rather than a missing project.
		w.Header().Set("WWW-Authenticate", `Basic realm="pypitest"`)
		http.Error(w, "401 Unauthorized", http.StatusUnauthorized)
		return
	}
	switch p := r.URL.Path; {
	case p == "/simple/":
		s.root(w)
	case strings.HasPrefix(p, "/simple/"):
		s.project(w, r, strings.TrimPrefix(p, "/simple/"))
	case strings.HasPrefix(p, "/files/"):
		f, ok := s.files[strings.TrimPrefix(p, "/files/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(f.data)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) root(w http.ResponseWriter) {
	names := make([]string, 0, len(s.projects))
	for n := range s.projects {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "<a href=\"%s/\">%s</a><br>\n", n, n)
	}
	page(w, "Simple index", b.String())
}

// project answers /simple/<name>/; like PyPI it redirects a name that is
// not normalized, or lacks the slash, to the canonical URL.
func (s *Server) project(w http.ResponseWriter, r *http.Request, name string) {
	bare := strings.TrimSuffix(name, "/")
	if norm := Normalize(bare); norm != name[:len(bare)] || !strings.HasSuffix(name, "/") {
		http.Redirect(w, r, "/simple/"+norm+"/", http.StatusMovedPermanently)
		return
	}
	files, ok := s.projects[bare]
	if !ok {
		http.NotFound(w, r)
		return
	}
	var b strings.Builder
	for _, f := range files {
		attr := ""
		if f.requiresPython != "" {
			attr = ` data-requires-python="` + html.EscapeString(f.requiresPython) + `"`
		}
		fmt.Fprintf(&b, "<a href=\"../../files/%s#sha256=%s\"%s>%s</a><br>\n", f.name, f.sha256, attr, f.name)
	}
	page(w, "Links for "+bare, b.String())
}

func page(w http.ResponseWriter, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// PEP 629's meta tag tells pip which version of the API it reads.
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"1.0\">\n"+
		"<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n%s</body>\n</html>\n", title, title, body)
}

package gittest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/internal/gitserver"
)

// Counter counts, per repository path ("/owner/name.git"), the requests
// that fetch objects from it: clones and fetches, not the listing of its
// refs (git ls-remote).
type Counter struct {
	mu      sync.Mutex
	fetches map[string]int
}

// Fetches is how many fetches repository path has served.
func (c *Counter) Fetches(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches[path]
}

// NewCountedServer is NewServer with a Counter of its fetches.
func NewCountedServer(t testing.TB) (*Server, *Counter) {
	t.Helper()
	root := t.TempDir()
	h, err := gitserver.Handler(root)
	if err != nil {
		t.Fatal(err)
	}
	c := &Counter{fetches: map[string]int{}}
	s := &Server{t: t, root: root, srv: httptest.NewServer(c.wrap(h))}
	t.Cleanup(s.srv.Close)
	return s, c
}

// wrap counts the upload-pack requests that want objects: a fetch says
// "want <id>" in its body, in protocol v0 and v2 alike, and a listing
// of refs does not.
func (c *Counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		repo, _, isPack := strings.Cut(r.URL.Path, "/git-upload-pack")
		if r.Method == http.MethodPost && isPack {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			plain := body
			if r.Header.Get("Content-Encoding") == "gzip" {
				if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
					plain, _ = io.ReadAll(zr)
				}
			}
			if bytes.Contains(plain, []byte("want ")) {
				c.mu.Lock()
				c.fetches[repo]++
				c.mu.Unlock()
			}
		}
		h.ServeHTTP(w, r)
	})
}

// Tag points tag at commit and pushes it.
func (r *Repo) Tag(tag, commit string) {
	r.t.Helper()
	if err := r.r.Tag(tag, commit); err != nil {
		r.t.Fatal(err)
	}
}

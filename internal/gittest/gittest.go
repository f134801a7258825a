// Package gittest adapts gitserver to tests: a smart HTTP git server and
// repositories that fail the test instead of returning errors.
package gittest

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/ofcbuild/ofc/internal/gitserver"
)

// Server serves every bare repository under its root at /<owner>/<name>.git.
type Server struct {
	t    testing.TB
	root string
	srv  *httptest.Server
}

// NewServer starts a smart HTTP git server, stopped when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	root := t.TempDir()
	h, err := gitserver.Handler(root)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, root: root, srv: httptest.NewServer(h)}
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Repo is a repository on the server.
type Repo struct {
	t        testing.TB
	r        *gitserver.Repo
	CloneURL string
}

// NewRepo creates owner/name with an empty history on branch.
func (s *Server) NewRepo(owner, name, branch string) *Repo {
	s.t.Helper()
	r, err := gitserver.NewRepo(s.root, filepath.Join(s.t.TempDir(), name), owner, name, branch)
	if err != nil {
		s.t.Fatal(err)
	}
	return &Repo{t: s.t, r: r, CloneURL: s.srv.URL + "/" + owner + "/" + name + ".git"}
}

// Commit writes files (path -> content; "" content deletes), commits them
// on branch, pushes, and returns the commit id.
func (r *Repo) Commit(branch, message string, files map[string]string) string {
	r.t.Helper()
	sha, err := r.r.Commit(branch, message, files)
	if err != nil {
		r.t.Fatal(err)
	}
	return sha
}

// Reset points branch at commit and force-pushes it; the next Commit on
// branch builds on commit.
func (r *Repo) Reset(branch, commit string) {
	r.t.Helper()
	if err := r.r.Reset(branch, commit); err != nil {
		r.t.Fatal(err)
	}
}

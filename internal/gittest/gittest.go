// Package gittest serves real git repositories over smart HTTP (git
// http-backend behind net/http/cgi), so tests clone them exactly as the
// builder clones GitHub or GitLab.
package gittest

import (
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	root := t.TempDir()
	h := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	s := &Server{t: t, root: root, srv: httptest.NewServer(h)}
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Repo is a bare repository on the server and a work tree to commit from.
type Repo struct {
	t        testing.TB
	bare     string
	work     string
	CloneURL string
}

// NewRepo creates owner/name with an empty history on branch.
func (s *Server) NewRepo(owner, name, branch string) *Repo {
	s.t.Helper()
	bare := filepath.Join(s.root, owner, name+".git")
	work := filepath.Join(s.t.TempDir(), name)
	r := &Repo{t: s.t, bare: bare, work: work, CloneURL: s.srv.URL + "/" + owner + "/" + name + ".git"}
	r.git(s.root, "init", "--quiet", "--bare", "--initial-branch="+branch, bare)
	// GitHub lets clients fetch any commit reachable from a ref by its id.
	r.git(bare, "config", "uploadpack.allowReachableSHA1InWant", "true")
	r.git(s.root, "init", "--quiet", "--initial-branch="+branch, work)
	r.git(work, "remote", "add", "origin", bare)
	return r
}

// Commit writes files (path -> content; "" content deletes) in the work
// tree, commits them and pushes the branch; it returns the commit id.
func (r *Repo) Commit(branch, message string, files map[string]string) string {
	r.t.Helper()
	for path, content := range files {
		full := filepath.Join(r.work, filepath.FromSlash(path))
		if content == "" {
			if err := os.RemoveAll(full); err != nil {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	r.git(r.work, "checkout", "--quiet", "-B", branch)
	r.git(r.work, "add", "-A")
	r.git(r.work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "--allow-empty", "-m", message)
	r.git(r.work, "push", "--quiet", "--force", "origin", branch)
	return strings.TrimSpace(r.git(r.work, "rev-parse", "HEAD"))
}

func (r *Repo) git(dir string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Package gitserver serves real git repositories over smart HTTP (git
// http-backend behind net/http/cgi), so that tests and the demo push to
// and clone from them exactly as the builder clones GitHub or GitLab.
package gitserver

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Handler serves every bare repository under root at /<owner>/<name>.git.
func Handler(root string) (http.Handler, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return nil, fmt.Errorf("git --exec-path: %w", err)
	}
	return &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}, nil
}

// Repo is a bare repository under a server's root and a work tree to
// commit from.
type Repo struct {
	bare, work string
}

// NewRepo creates root/owner/name.git with an empty history whose default
// branch is branch, and its work tree in workDir (which must not exist).
func NewRepo(root, workDir, owner, name, branch string) (*Repo, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if workDir, err = filepath.Abs(workDir); err != nil {
		return nil, err
	}
	r := &Repo{bare: filepath.Join(root, owner, name+".git"), work: workDir}
	for _, step := range []struct {
		dir  string
		args []string
	}{
		{root, []string{"init", "--quiet", "--bare", "--initial-branch=" + branch, r.bare}},
		// GitHub lets clients fetch any commit reachable from a ref by its id.
		{r.bare, []string{"config", "uploadpack.allowReachableSHA1InWant", "true"}},
		// And fetch a partial clone, such as history without trees.
		{r.bare, []string{"config", "uploadpack.allowFilter", "true"}},
		{root, []string{"init", "--quiet", "--initial-branch=" + branch, r.work}},
		{r.work, []string{"remote", "add", "origin", r.bare}},
	} {
		if _, err := git(step.dir, step.args...); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Symlink is the content that Commit writes as a symbolic link to target.
func Symlink(target string) string { return symlinkMark + target }

// symlinkMark starts a content no file of a test holds.
const symlinkMark = "\x00symlink\x00"

// Commit writes files (path -> content; "" content deletes; Symlink(t) a
// symbolic link to t) in the work tree, commits them on branch and pushes; it returns the commit id.
func (r *Repo) Commit(branch, message string, files map[string]string) (string, error) {
	for path, content := range files {
		full := filepath.Join(r.work, filepath.FromSlash(path))
		if content == "" {
			if err := os.RemoveAll(full); err != nil {
				return "", err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return "", err
		}
		if target, ok := strings.CutPrefix(content, symlinkMark); ok {
			if err := os.RemoveAll(full); err != nil {
				return "", err
			}
			if err := os.Symlink(target, full); err != nil {
				return "", err
			}
			continue
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	for _, args := range [][]string{
		{"checkout", "--quiet", "-B", branch},
		{"add", "-A"},
		{"-c", "user.name=Demo", "-c", "user.email=demo@example.com", "commit", "--quiet", "--allow-empty", "-m", message},
		{"push", "--quiet", "--force", "origin", branch},
	} {
		if _, err := git(r.work, args...); err != nil {
			return "", err
		}
	}
	out, err := git(r.work, "rev-parse", "HEAD")
	return strings.TrimSpace(out), err
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Reset points branch at commit and force-pushes it, as a user rewriting
// history does; the next Commit on branch builds on commit.
func (r *Repo) Reset(branch, commit string) error {
	for _, args := range [][]string{
		{"checkout", "--quiet", "-B", branch, commit},
		{"push", "--quiet", "--force", "origin", branch},
	} {
		if _, err := git(r.work, args...); err != nil {
			return err
		}
	}
	return nil
}

// Package source fetches a repository's tree at an exact commit with real
// git, over the same smart HTTP that GitHub and GitLab serve.
package source

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// TokenSource gives the token to clone a repository with. An empty token
// means clone without credentials.
type TokenSource interface {
	Token(ctx context.Context, ev pipeline.Event) (string, error)
}

// Config configures the git fetcher.
type Config struct {
	// Git is the git binary; "git" when empty.
	Git string
	// Tokens, when set, supplies credentials for private repositories.
	Tokens TokenSource
	// TokenUser is the user name sent with the token over HTTP basic auth:
	// "x-access-token" for GitHub, "oauth2" for GitLab.
	TokenUser string
	// Hosts are the hosts each forge's repositories are cloned from
	// ("github.com", a GitHub Enterprise or GitLab host). A clone URL on
	// another host is refused before anything, the token least of all,
	// is sent to it: the URL comes from a webhook's payload. A forge
	// without an entry is not checked.
	Hosts map[pipeline.Provider]string
	// Timeout bounds a whole clone (DefaultTimeout when 0): a forge that
	// stops answering must not hold a build for ever.
	Timeout time.Duration
	// MaxBytes bounds what a clone writes, git's objects and the
	// checkout (DefaultMaxBytes when 0).
	MaxBytes int64
}

// Git fetches with the git command line.
type Git struct {
	cfg Config
}

// New returns a Git fetcher.
func New(cfg Config) *Git {
	if cfg.Git == "" {
		cfg.Git = "git"
	}
	if cfg.TokenUser == "" {
		cfg.TokenUser = "x-access-token"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	return &Git{cfg: cfg}
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// Fetch implements pipeline.Source: a shallow fetch of exactly ev.Commit,
// then a checkout, so the tree is what was pushed whatever the branch has
// become since.
func (g *Git) Fetch(ctx context.Context, ev pipeline.Event, dir string) error {
	what := fmt.Sprintf("clone %s@%s", ev.Repo.FullName(), ev.ShortCommit())
	if !shaRE.MatchString(ev.Commit) {
		return fmt.Errorf("%s: %q is not a commit id", what, ev.Commit)
	}
	if !strings.HasPrefix(ev.Repo.CloneURL, "https://") && !strings.HasPrefix(ev.Repo.CloneURL, "http://") {
		return fmt.Errorf("%s: clone URL %q is not http(s)", what, ev.Repo.CloneURL)
	}
	if err := g.checkHost(ev); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	env, err := g.credentials(ctx, ev)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	steps := [][]string{
		{"init", "--quiet", "."},
		{"remote", "add", "origin", ev.Repo.CloneURL},
		// A partial clone's promisor remote: Contains may fetch the
		// history later without a single tree or file.
		{"config", "core.repositoryformatversion", "1"},
		{"config", "extensions.partialClone", "origin"},
		{"config", "remote.origin.promisor", "true"},
		{"fetch", "--quiet", "--depth=1", "--no-tags", "origin", ev.Commit},
		{"-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"},
	}
	// Within the clone's time and size limits (limits.go).
	if err := g.limited(ctx, dir, func(ctx context.Context) error { return g.runSteps(ctx, dir, env, steps) }); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// credentials passes the token as an HTTP header through git's environment
// configuration, so it appears in no URL, argument list or remote config.
func (g *Git) credentials(ctx context.Context, ev pipeline.Event) ([]string, error) {
	env := []string{"GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + os.TempDir()}
	if g.cfg.Tokens == nil {
		return env, nil
	}
	tok, err := g.cfg.Tokens.Token(ctx, ev)
	if err != nil {
		return nil, pipeline.Transient(fmt.Errorf("get clone token: %w", err))
	}
	if tok == "" {
		return env, nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(g.cfg.TokenUser + ":" + tok))
	return append(env,
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=http.extraHeader",
		"GIT_CONFIG_VALUE_0=Authorization: Basic "+basic,
	), nil
}

// gitError is a failed git command with what it printed.
type gitError struct {
	args   []string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	return fmt.Sprintf("git %s: exit %d: %s", e.args[0], e.code, strings.TrimSpace(e.stderr))
}

func (g *Git) run(ctx context.Context, dir string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, g.cfg.Git, args...)
	cmd.Dir = dir
	cmd.Env = env
	killGroup(cmd)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &gitError{args: args, code: ee.ExitCode(), stderr: stderr.String()}
	}
	return pipeline.Transient(fmt.Errorf("git %s: %w", args[0], err))
}

// fetchError tells a commit or repository that is not there (the user's
// problem) from a server that did not answer (worth a retry).
func fetchError(err error) error {
	var ge *gitError
	if !errors.As(err, &ge) {
		return err
	}
	msg := strings.ToLower(ge.stderr)
	for _, transient := range []string{"could not resolve host", "connection refused", "timed out", "failed to connect", "couldn't connect",
		"the remote end hung up unexpectedly", "returned error: 5", "rpc failed"} {
		if strings.Contains(msg, transient) {
			return pipeline.Transient(err)
		}
	}
	return err
}

// checkHost refuses a clone URL that is not on its forge's host.
func (g *Git) checkHost(ev pipeline.Event) error {
	want, ok := g.cfg.Hosts[ev.Repo.Provider]
	if !ok {
		return nil
	}
	u, err := url.Parse(ev.Repo.CloneURL)
	if err != nil {
		return fmt.Errorf("clone URL %q: %w", ev.Repo.CloneURL, err)
	}
	if !strings.EqualFold(u.Hostname(), want) {
		return fmt.Errorf("clone URL %q is not on %s, where %s repositories are: refused", ev.Repo.CloneURL, want, ev.Repo.Provider)
	}
	return nil
}

package source

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// DefaultTemplateRefresh is how long a template repository's branch or
// tag is trusted to point where it pointed, when TemplateConfig.Refresh
// is 0: long enough that a busy installation asks the forge rarely, short
// enough that a fix pushed to a template reaches the next builds soon.
const DefaultTemplateRefresh = 5 * time.Minute

// TemplateConfig configures the fetching of template repositories.
type TemplateConfig struct {
	// CacheDir holds one checkout per repository and commit. Required.
	// Builders may share it: a checkout appears there whole (renamed
	// into place) or not at all.
	CacheDir string
	// Refresh is how long a branch or tag stays resolved to the commit
	// it was found at (DefaultTemplateRefresh when 0; a negative value
	// resolves it on every fetch).
	Refresh time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Templates fetches the repositories templates come from, with the
// builder's git, limits and clone credentials, and keeps each commit's
// tree on disk. It implements template.Fetcher. Safe for concurrent use.
type Templates struct {
	git *Git
	cfg TemplateConfig

	mu       sync.Mutex
	resolved map[resolveKey]resolution
	flights  map[string]*flight
}

// resolveKey is a ref of a repository as seen with one set of
// credentials: a checkout fetched with a token is served to a build with
// another only once that build's credentials have reached the ref too.
type resolveKey struct{ url, ref, cred string }

type resolution struct {
	commit string
	// name is the full ref name the ref was found as ("refs/tags/v1"),
	// or "" for a commit.
	name string
	at   time.Time
}

// flight is one resolution or checkout in progress, which concurrent
// callers of the same key wait for instead of doing it again.
type flight struct {
	done   chan struct{}
	commit string
	err    error
}

// Templates returns a template repository fetcher on g's settings.
func (g *Git) Templates(cfg TemplateConfig) *Templates {
	if cfg.Refresh == 0 {
		cfg.Refresh = DefaultTemplateRefresh
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Templates{git: g, cfg: cfg, resolved: map[resolveKey]resolution{}, flights: map[string]*flight{}}
}

// fullCommitRE is a whole commit id; shortCommitRE is one as faas-cli
// pins it ("sha-af599e") or as written by hand.
var (
	fullCommitRE  = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
	shortCommitRE = regexp.MustCompile(`^(sha-)?([0-9a-fA-F]{7,64})$`)
)

// Fetch implements template.Fetcher: the tree of repository repoURL at
// ref (a tag, a branch, a commit, "sha-<commit>" as faas-cli pins one,
// or "" for the default branch) in a folder under the cache, and the
// commit it is. The folder is never changed afterwards: callers read it
// and must not write to it. The build's clone token goes with the
// requests when repoURL is on the host, and has the scheme, of the
// build's own repository, and to no other host.
//
// An error names the URL and carries git's message; it is wrapped in
// pipeline.Transient when trying again may help (the host does not
// answer, a 5xx, a timeout), and is the user's when not (no such
// repository, no such ref, too large).
func (t *Templates) Fetch(ctx context.Context, ev pipeline.Event, repoURL, ref string) (string, string, error) {
	what := repoURL
	if ref != "" {
		what += "#" + ref
	}
	fail := func(err error) (string, string, error) {
		return "", "", fmt.Errorf("template repository %s: %w", what, err)
	}
	if err := checkTemplateURL(repoURL); err != nil {
		return fail(err)
	}
	if strings.HasPrefix(ref, "-") || strings.Contains(ref, "..") {
		return fail(fmt.Errorf("%q is not a tag, branch or commit", ref))
	}
	env, cred, err := t.credentials(ctx, ev, repoURL)
	if err != nil {
		return fail(err)
	}
	commit, err := t.resolve(ctx, resolveKey{repoURL, ref, cred}, env)
	if err != nil {
		return fail(err)
	}
	return t.dir(repoURL, commit), commit, nil
}

// checkTemplateURL refuses what git would fetch other than over http(s):
// local paths, ssh, and git's ext:: transport that runs commands. A URL
// with a password in it would put the password into build logs.
func checkTemplateURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("not an https URL: template repositories are fetched over http(s), as the build's repository is")
	}
	if u.User != nil {
		return errors.New("the URL holds credentials: leave them out, the build's clone token is sent to its own forge")
	}
	return nil
}

// credentials is git's environment for fetching repoURL for ev, and a
// name for the credentials in it ("" for none). The token goes only to
// the build's own forge, over the scheme the build was cloned with.
func (t *Templates) credentials(ctx context.Context, ev pipeline.Event, repoURL string) ([]string, string, error) {
	// Git's protocols are limited to http(s) for every URL git meets,
	// submodules and redirects included.
	env := []string{"GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + os.TempDir(), "GIT_ALLOW_PROTOCOL=http:https"}
	if t.git.cfg.Tokens == nil || !sameOrigin(repoURL, ev.Repo.CloneURL) {
		return env, "", nil
	}
	tok, err := t.git.cfg.Tokens.Token(ctx, ev)
	if err != nil {
		return nil, "", pipeline.Transient(fmt.Errorf("get clone token: %w", err))
	}
	if tok == "" {
		return env, "", nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(t.git.cfg.TokenUser + ":" + tok))
	sum := sha256.Sum256([]byte(tok))
	return append(env,
		"GIT_CONFIG_COUNT=2",
		"GIT_CONFIG_KEY_0=http.extraHeader",
		"GIT_CONFIG_VALUE_0=Authorization: Basic "+basic,
		// A redirect must not carry the token to another host.
		"GIT_CONFIG_KEY_1=http.followRedirects",
		"GIT_CONFIG_VALUE_1=false",
	), hex.EncodeToString(sum[:8]), nil
}

// sameOrigin says whether a and b have one scheme and host (with port).
func sameOrigin(a, b string) bool {
	ua, err := url.Parse(a)
	if err != nil {
		return false
	}
	ub, err := url.Parse(b)
	if err != nil {
		return false
	}
	return ua.Host != "" && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host)
}

// dir is where the tree of repoURL at commit is kept.
func (t *Templates) dir(repoURL, commit string) string {
	return filepath.Join(t.repoDir(repoURL), commit)
}

// repoDir holds the trees of repoURL, one folder per commit.
func (t *Templates) repoDir(repoURL string) string {
	sum := sha256.Sum256([]byte(repoURL))
	return filepath.Join(t.cfg.CacheDir, hex.EncodeToString(sum[:12]))
}

// resolve is the commit k.ref names, with its tree in the cache. A
// resolution younger than Refresh is used as it is; otherwise the
// repository is asked again (git ls-remote, no clone), and the tree is
// fetched only when that commit is not in the cache yet.
func (t *Templates) resolve(ctx context.Context, k resolveKey, env []string) (string, error) {
	t.mu.Lock()
	r, ok := t.resolved[k]
	t.mu.Unlock()
	if ok && t.cfg.Now().Sub(r.at) < t.cfg.Refresh {
		if _, err := os.Stat(t.dir(k.url, r.commit)); err == nil {
			return r.commit, nil
		}
	}
	return t.once(ctx, "resolve\x00"+k.url+"\x00"+k.ref+"\x00"+k.cred, func(ctx context.Context) (string, error) {
		r, err := t.lsRemote(ctx, k.url, k.ref, env)
		if err != nil {
			return "", err
		}
		commit, err := t.checkout(ctx, k.url, k.ref, r, env)
		if err != nil {
			return "", err
		}
		r.commit = commit
		r.at = t.cfg.Now()
		t.mu.Lock()
		t.resolved[k] = r
		t.mu.Unlock()
		return commit, nil
	})
}

// once runs fn for key unless a call for it is in progress, in which
// case it waits for that call's result. fn runs on a context that does
// not end with one waiting caller's, so that a build that is stopped
// does not fail the others waiting for the same fetch; the fetch is
// bounded by its own limits.
func (t *Templates) once(ctx context.Context, key string, fn func(ctx context.Context) (string, error)) (string, error) {
	t.mu.Lock()
	f, running := t.flights[key]
	if !running {
		f = &flight{done: make(chan struct{})}
		t.flights[key] = f
		go func() {
			f.commit, f.err = fn(context.WithoutCancel(ctx))
			t.mu.Lock()
			delete(t.flights, key)
			t.mu.Unlock()
			close(f.done)
		}()
	}
	t.mu.Unlock()
	select {
	case <-f.done:
		return f.commit, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/gitserver"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

// clock is a clock a test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func templateRepo(t *testing.T) (*gittest.Repo, *gittest.Counter, []string) {
	srv, count := gittest.NewCountedServer(t)
	repo := srv.NewRepo("tmpl", "templates", "main")
	v1 := repo.Commit("main", "v1", map[string]string{"template/shout/Dockerfile": "FROM scratch\n# v1\n"})
	repo.Tag("1.0.0", v1)
	v2 := repo.Commit("main", "v2", map[string]string{"template/shout/Dockerfile": "FROM scratch\n# v2\n"})
	return repo, count, []string{v1, v2}
}

func readTemplate(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "template", "shout", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A tag, a branch, the default branch, a commit and faas-cli's short
// "sha-" commit each fetch the tree they name, and say its commit.
func TestTemplatesFetchRefs(t *testing.T) {
	repo, _, commits := templateRepo(t)
	tm := New(Config{}).Templates(TemplateConfig{CacheDir: t.TempDir()})
	for _, tc := range []struct {
		ref, commit, content string
	}{
		{"1.0.0", commits[0], "# v1"},
		{"main", commits[1], "# v2"},
		{"", commits[1], "# v2"},
		{commits[0], commits[0], "# v1"},
		{"sha-" + commits[0][:7], commits[0], "# v1"},
	} {
		dir, commit, err := tm.Fetch(context.Background(), event("https://github.com/alice/fns.git", ""), repo.CloneURL, tc.ref)
		if err != nil {
			t.Fatalf("ref %q: %v", tc.ref, err)
		}
		if commit != tc.commit || !strings.Contains(readTemplate(t, dir), tc.content) {
			t.Errorf("ref %q: commit %s with %q, want %s with %q", tc.ref, commit, readTemplate(t, dir), tc.commit, tc.content)
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			t.Errorf("ref %q: the cached tree keeps its .git", tc.ref)
		}
	}
}

// A commit is cloned once: a second fetch of the same tag, from the same
// or another builder sharing the cache, clones nothing; nor do concurrent
// fetches clone it twice.
func TestTemplatesCacheByCommit(t *testing.T) {
	repo, count, _ := templateRepo(t)
	cache := t.TempDir()
	ev := event("https://github.com/alice/fns.git", "")
	tm := New(Config{}).Templates(TemplateConfig{CacheDir: cache})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := tm.Fetch(context.Background(), ev, repo.CloneURL, "1.0.0"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, _, err := tm.Fetch(context.Background(), ev, repo.CloneURL, "1.0.0"); err != nil {
		t.Fatal(err)
	}
	other := New(Config{}).Templates(TemplateConfig{CacheDir: cache})
	if _, _, err := other.Fetch(context.Background(), ev, repo.CloneURL, "1.0.0"); err != nil {
		t.Fatal(err)
	}
	if n := count.Fetches("/tmpl/templates.git"); n != 1 {
		t.Errorf("%d fetches of the template repository, want 1", n)
	}
}

// A branch is trusted for Refresh: a push to it is seen only once that
// has passed, and then only its new commit is fetched.
func TestTemplatesBranchIsResolvedAgainAfterRefresh(t *testing.T) {
	repo, count, commits := templateRepo(t)
	clk := &clock{now: time.Unix(1e9, 0)}
	tm := New(Config{}).Templates(TemplateConfig{CacheDir: t.TempDir(), Refresh: time.Minute, Now: clk.Now})
	ev := event("https://github.com/alice/fns.git", "")
	fetch := func() string {
		t.Helper()
		_, commit, err := tm.Fetch(context.Background(), ev, repo.CloneURL, "main")
		if err != nil {
			t.Fatal(err)
		}
		return commit
	}
	if got := fetch(); got != commits[1] {
		t.Fatalf("main at %s, want %s", got, commits[1])
	}
	v3 := repo.Commit("main", "v3", map[string]string{"template/shout/Dockerfile": "FROM scratch\n# v3\n"})
	clk.add(30 * time.Second)
	if got := fetch(); got != commits[1] {
		t.Errorf("within the refresh main moved to %s, want it kept at %s", got, commits[1])
	}
	clk.add(31 * time.Second)
	if got := fetch(); got != v3 {
		t.Errorf("after the refresh main is at %s, want %s", got, v3)
	}
	repo.Reset("main", commits[1])
	clk.add(2 * time.Minute)
	if got := fetch(); got != commits[1] {
		t.Errorf("main back at %s, want %s", got, commits[1])
	}
	if n := count.Fetches("/tmpl/templates.git"); n != 2 {
		t.Errorf("%d fetches, want 2: one per commit not cached yet", n)
	}
}

// Each failure names the repository and says git's error; only those
// that trying again may cure are transient.
func TestTemplatesFetchErrors(t *testing.T) {
	repo, _, _ := templateRepo(t)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/tmpl/templates.git"
	down.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	defer broken.Close()
	missing := strings.Replace(repo.CloneURL, "templates.git", "nope.git", 1)

	tm := New(Config{}).Templates(TemplateConfig{CacheDir: t.TempDir()})
	for _, tc := range []struct {
		url, ref  string
		transient bool
		says      string
	}{
		{downURL, "1.0.0", true, "connect"},
		{broken.URL + "/tmpl/templates.git", "", true, "502"},
		{missing, "", false, "not found"},
		{repo.CloneURL, "2.0.0", false, `no branch or tag "2.0.0"`},
		{repo.CloneURL, strings.Repeat("a", 40), false, "git fetch"},
		{repo.CloneURL, "sha-abcdef0", false, `no branch, tag or commit "sha-abcdef0"`},
		{"file:///etc", "", false, "not an https URL"},
		{"ext::sh -c touch% /tmp/pwned", "", false, "not an https URL"},
		{"https://user:secret@example.com/t.git", "", false, "holds credentials"},
	} {
		_, _, err := tm.Fetch(context.Background(), event("https://github.com/alice/fns.git", ""), tc.url, tc.ref)
		if err == nil {
			t.Errorf("%s#%s: no error", tc.url, tc.ref)
			continue
		}
		if pipeline.IsTransient(err) != tc.transient || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), tc.url) {
			t.Errorf("%s#%s: %v (transient %v), want transient %v saying %q and the URL", tc.url, tc.ref, err, pipeline.IsTransient(err), tc.transient, tc.says)
		}
	}
}

type recordingTokens struct {
	mu  sync.Mutex
	tok string
	n   int
}

func (r *recordingTokens) Token(context.Context, pipeline.Event) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return r.tok, nil
}

// The build's clone token reaches a private template repository on the
// build's own forge, and no other host; a build whose credentials do not
// reach it is not served another build's cached copy.
func TestTemplatesCredentials(t *testing.T) {
	root := t.TempDir()
	repo, err := gitserver.NewRepo(root, filepath.Join(t.TempDir(), "work"), "tmpl", "private", "main")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Commit("main", "v1", map[string]string{"template/shout/Dockerfile": "FROM scratch\n"}); err != nil {
		t.Fatal(err)
	}
	git, err := gitserver.Handler(root)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var auth []string
	guard := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		if _, pw, ok := r.BasicAuth(); !ok || pw != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		git.ServeHTTP(w, r)
	}))
	defer guard.Close()
	private := guard.URL + "/tmpl/private.git"

	tokens := &recordingTokens{tok: "s3cret"}
	tm := New(Config{Tokens: tokens}).Templates(TemplateConfig{CacheDir: t.TempDir()})
	same := event(guard.URL+"/alice/fns.git", "")
	if _, _, err := tm.Fetch(context.Background(), same, private, ""); err != nil {
		t.Fatalf("with the build's token: %v", err)
	}
	mu.Lock()
	sameForge := slices.ContainsFunc(auth, func(a string) bool { return a != "" })
	auth = nil
	mu.Unlock()
	if !sameForge {
		t.Error("the token was never sent to the build's own forge")
	}
	other := event("https://github.com/alice/fns.git", "")
	_, _, err = tm.Fetch(context.Background(), other, private, "")
	if err == nil || pipeline.IsTransient(err) {
		t.Errorf("a build of another forge fetched the private repository from the cache: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) == 0 || slices.ContainsFunc(auth, func(a string) bool { return a != "" }) {
		t.Errorf("requests for a build of another forge carried %q, want no credentials", auth)
	}
}

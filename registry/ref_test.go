package registry

import (
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
)

func newTestRegistry(t testing.TB, host string) *Registry {
	t.Helper()
	r, err := New(Config{Host: host, Insecure: true})
	if err != nil {
		t.Fatalf("New(%q): %v", host, err)
	}
	return r
}

func TestRef(t *testing.T) {
	const sha = "3f786850e387550fdab836ed7e6dc881de23001b"
	tests := []struct {
		name                          string
		host                          string
		owner, repo, function, commit string
		want                          string
	}{
		{"plain", "127.0.0.1:5000", "alex", "fns", "hello", sha,
			"127.0.0.1:5000/alex/fns/hello:" + sha},
		{"uppercase everywhere", "Registry.Example.com", "OpenFaaS", "My-Fns", "Hello-World", strings.ToUpper(sha),
			"registry.example.com/openfaas/my-fns/hello-world:" + sha},
		{"host with prefix and slashes", "registry.example.com/functions/", "o", "r", "f", "abc",
			"registry.example.com/functions/o/r/f:abc"},
		{"dots and underscores kept", "127.0.0.1:5000", "a.b", "my_repo.v2", "fn__x", "c",
			"127.0.0.1:5000/a.b/my_repo.v2/fn__x:c"},
		{"runs of dashes kept", "127.0.0.1:5000", "a--b", "r", "f", "c",
			"127.0.0.1:5000/a--b/r/f:c"},
		{"separators at the ends dropped", "127.0.0.1:5000", "-owner-", ".repo_", "_fn.", "c",
			"127.0.0.1:5000/owner/repo/fn:c"},
		{"mixed separator runs collapse", "127.0.0.1:5000", "a._b", "a..b", "a-_-b", "c",
			"127.0.0.1:5000/a-b/a-b/a-b:c"},
		{"foreign characters", "127.0.0.1:5000", "ünïcode", "my repo", "fn@1!", "c",
			"127.0.0.1:5000/n-code/my-repo/fn-1:c"},
		{"nothing usable", "127.0.0.1:5000", "", "---", "…", "",
			"127.0.0.1:5000/unnamed/unnamed/unnamed:latest"},
		{"tag starting with a separator", "127.0.0.1:5000", "o", "r", "f", "-.v1+build",
			"127.0.0.1:5000/o/r/f:v1-build"},
		{"long tag cut", "127.0.0.1:5000", "o", "r", "f", strings.Repeat("a", 200),
			"127.0.0.1:5000/o/r/f:" + strings.Repeat("a", 128)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRegistry(t, tt.host)
			got := r.Ref(tt.owner, tt.repo, tt.function, tt.commit)
			if got != tt.want {
				t.Fatalf("Ref(%q, %q, %q, %q) = %q, want %q", tt.owner, tt.repo, tt.function, tt.commit, got, tt.want)
			}
			if _, err := reference.ParseNamed(got); err != nil {
				t.Errorf("%q is not a valid image reference: %v", got, err)
			}
		})
	}
}

func TestRepositoryIsRefWithoutTag(t *testing.T) {
	r := newTestRegistry(t, "127.0.0.1:5000")
	repo := r.Repository("Owner", "Repo", "Fn")
	if want := "127.0.0.1:5000/owner/repo/fn"; repo != want {
		t.Fatalf("Repository = %q, want %q", repo, want)
	}
	if ref := r.Ref("Owner", "Repo", "Fn", "abc"); ref != repo+":abc" {
		t.Fatalf("Ref = %q, want %q", ref, repo+":abc")
	}
}

func TestNewRejectsBadHosts(t *testing.T) {
	for _, host := range []string{"", "/", "/127.0.0.1:5000", "bad host:5000", "host:port"} {
		if _, err := New(Config{Host: host}); err == nil {
			t.Errorf("New(%q) succeeded, want an error", host)
		}
	}
}

// FuzzRef checks that any owner, repository, function and commit give a
// reference that both BuildKit's parser and the registry client accept.
func FuzzRef(f *testing.F) {
	f.Add("alex", "fns", "hello", "3f786850e387550fdab836ed7e6dc881de23001b")
	f.Add("-A-", "a..b", "x__-y", "-.")
	f.Add("", "", "", "")
	f.Add("ünï", "repo name", "fn/sub", "v1.0+meta")
	r := newTestRegistry(f, "127.0.0.1:5000")
	f.Fuzz(func(t *testing.T, owner, repo, function, commit string) {
		// The registry's limit on a whole name is 255 characters; GitHub
		// and OpenFaaS names stay far below it.
		if len(owner)+len(repo)+len(function) > 200 {
			t.Skip()
		}
		ref := r.Ref(owner, repo, function, commit)
		if ref != strings.ToLower(ref) {
			t.Fatalf("%q is not lowercase", ref)
		}
		named, err := reference.ParseNamed(ref)
		if err != nil {
			t.Fatalf("Ref(%q, %q, %q, %q) = %q: %v", owner, repo, function, commit, ref, err)
		}
		if got := strings.Count(reference.Path(named), "/"); got != 2 {
			t.Fatalf("%q has %d path separators, want 2 (owner/repo/function)", ref, got)
		}
		if _, err := name.ParseReference(ref, name.StrictValidation); err != nil {
			t.Fatalf("registry client rejects %q: %v", ref, err)
		}
	})
}

func TestCacheRef(t *testing.T) {
	r, err := New(Config{Host: "127.0.0.1:5000"})
	if err != nil {
		t.Fatal(err)
	}
	image := r.Ref("Acme", "Shop", "api", "0123456789abcdef0123456789abcdef01234567")
	for repository, want := range map[string]string{
		"":                            "127.0.0.1:5000/acme/shop/api:buildcache",
		"registry.example.com/cache":  "registry.example.com/cache/acme/shop/api:buildcache",
		"registry.example.com/cache/": "registry.example.com/cache/acme/shop/api:buildcache",
	} {
		if got := r.CacheRef(repository, image); got != want {
			t.Errorf("CacheRef(%q) = %q, want %q", repository, got, want)
		}
	}
}

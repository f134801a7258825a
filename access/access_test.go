package access_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
)

var _ api.Access = (*access.Checker)(nil)

var (
	key   = []byte("0123456789abcdef0123456789abcdef")
	now   = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock = func() time.Time { return now }
)

func request(query url.Values, auth string) *http.Request {
	r := httptest.NewRequest("GET", "/builds/7?"+query.Encode(), nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return r
}

func TestCanReadBuild(t *testing.T) {
	signer := access.NewSigner(key)
	valid := signer.Sign(7, now.Add(time.Hour))
	tampered := signer.Sign(7, now.Add(time.Hour))
	sig, _ := base64.RawURLEncoding.DecodeString(tampered.Get("sig"))
	sig[3] ^= 1
	tampered.Set("sig", base64.RawURLEncoding.EncodeToString(sig))
	extended := signer.Sign(7, now.Add(time.Hour))
	extended.Set("exp", signer.Sign(7, now.Add(48*time.Hour)).Get("exp"))

	private := pipeline.Repo{Owner: "acme", Name: "secret", Private: true}
	public := pipeline.Repo{Owner: "acme", Name: "open"}
	checker := access.New(access.Config{Links: signer, Tokens: []string{"", "tok-1"}, Scoped: readers("tok-2"), Now: clock})
	cases := []struct {
		name  string
		repo  pipeline.Repo
		id    int64
		query url.Values
		auth  string
		want  bool
	}{
		{"valid link", private, 7, valid, "", true},
		{"expired link", private, 7, signer.Sign(7, now.Add(-time.Second)), "", false},
		{"link expiring now", private, 7, signer.Sign(7, now), "", false},
		{"tampered signature", private, 7, tampered, "", false},
		{"expiry moved later", private, 7, extended, "", false},
		{"link to another build", private, 8, valid, "", false},
		{"link of another key", private, 7, access.NewSigner([]byte("another key, just as long as one")).Sign(7, now.Add(time.Hour)), "", false},
		{"no link", private, 7, nil, "", false},
		{"signature not base64", private, 7, url.Values{"exp": valid["exp"], "sig": {"!!"}}, "", false},
		{"expiry not a number", private, 7, url.Values{"exp": {"soon"}, "sig": valid["sig"]}, "", false},
		{"token", private, 7, nil, "Bearer tok-2", true},
		{"token, scheme in lower case", private, 7, nil, "bearer tok-1", true},
		{"wrong token", private, 7, nil, "Bearer tok-3", false},
		{"token prefix", private, 7, nil, "Bearer tok-", false},
		{"empty token", private, 7, nil, "Bearer ", false},
		{"token as basic auth", private, 7, nil, "Basic tok-1", false},
		{"public repository", public, 7, nil, "", true},
		{"public repository, bad link", public, 7, tampered, "Bearer nope", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := pipeline.Build{ID: c.id, Repo: c.repo}
			if got := checker.CanReadBuild(request(c.query, c.auth), b); got != c.want {
				t.Errorf("CanReadBuild = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCanReadRepo(t *testing.T) {
	signer := access.NewSigner(key)
	checker := access.New(access.Config{Links: signer, Tokens: []string{"tok"}, Now: clock})
	private := pipeline.Repo{Owner: "acme", Name: "secret", Private: true}
	cases := []struct {
		name string
		repo pipeline.Repo
		r    *http.Request
		want bool
	}{
		{"public, anyone", pipeline.Repo{Owner: "acme", Name: "open"}, request(nil, ""), true},
		{"private, no credentials", private, request(nil, ""), false},
		{"private, token", private, request(nil, "Bearer tok"), true},
		{"private, wrong token", private, request(nil, "Bearer tik"), false},
		// A link opens one build, never its repository's other builds.
		{"private, a build's link", private, request(signer.Sign(7, now.Add(time.Hour)), ""), false},
	}
	for _, c := range cases {
		if got := checker.CanReadRepo(c.r, c.repo); got != c.want {
			t.Errorf("%s: CanReadRepo = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWithoutKeyOrTokens(t *testing.T) {
	if access.NewSigner(nil) != nil {
		t.Fatal("an empty key gave a signer")
	}
	checker := access.New(access.Config{})
	private := pipeline.Build{ID: 7, Repo: pipeline.Repo{Private: true}}
	link := access.NewSigner(key).Sign(7, time.Now().Add(time.Hour))
	if checker.CanReadBuild(request(link, "Bearer "), private) {
		t.Error("a private build was readable without a key or tokens configured")
	}
	if !checker.CanReadBuild(request(nil, ""), pipeline.Build{ID: 7}) {
		t.Error("a public build was not readable")
	}
}

func TestSignedQuery(t *testing.T) {
	q := access.NewSigner(key).Sign(42, time.Unix(1700000000, 0))
	if q.Get("exp") != "1700000000" || len(q) != 2 {
		t.Errorf("query = %v, want exp=1700000000 and sig", q)
	}
	if s := q.Get("sig"); len(s) != 43 || strings.ContainsAny(s, "+/=") {
		t.Errorf("sig = %q, want 43 characters of unpadded base64url", s)
	}
}

func TestReadKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := access.ReadKey(write("good", "  "+string(key)+"\n"))
	if err != nil || string(got) != string(key) {
		t.Errorf("ReadKey = %q, %v; want the key without the whitespace", got, err)
	}
	if _, err := access.ReadKey(write("short", "tiny\n")); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("short key: %v, want an error saying how long", err)
	}
	if _, err := access.ReadKey(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing key file was accepted")
	}
	if got, err := access.ReadKey(""); got != nil || err != nil {
		t.Errorf("no key file = %q, %v; want no key", got, err)
	}
}

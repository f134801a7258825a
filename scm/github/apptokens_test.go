package github

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

const appID = 4242

// appEvent is an event that came through installation id.
func appEvent(id int64) pipeline.Event {
	return pipeline.Event{Kind: pipeline.Push, Repo: helloWorld, Commit: helloSHA, InstallationID: id}
}

// newAppTokens starts a double of the API and an AppTokens that asks it
// for tokens.
func newAppTokens(t *testing.T) (*AppTokens, *appAPI) {
	t.Helper()
	key, pemKey := appKey(t)
	api := newAppAPI(t, appID, &key.PublicKey)
	tokens, err := NewAppTokens(AppConfig{AppID: appID, PrivateKey: pemKey, BaseURL: api.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return tokens, api
}

func TestAppTokensOneRequestPerInstallation(t *testing.T) {
	tokens, api := newAppTokens(t)
	ctx := context.Background()
	got := map[int64]string{}
	for range 3 {
		for _, id := range []int64{1, 2} {
			tok, err := tokens.Token(ctx, appEvent(id))
			if err != nil {
				t.Fatalf("Token(installation %d) = %v", id, err)
			}
			if !strings.HasPrefix(tok, "ghs_") {
				t.Fatalf("Token(installation %d) = %q, not an installation token", id, tok)
			}
			if prev, ok := got[id]; ok && prev != tok {
				t.Errorf("installation %d: token changed from %q to %q within its lifetime", id, prev, tok)
			}
			got[id] = tok
		}
	}
	if got[1] == got[2] {
		t.Errorf("installations 1 and 2 share token %q", got[1])
	}
	for _, id := range []int64{1, 2} {
		if n := api.requestsOf(id); n != 1 {
			t.Errorf("installation %d: %d token requests for 3 calls, want 1", id, n)
		}
	}
}

func TestAppTokensConcurrentCallers(t *testing.T) {
	tokens, api := newAppTokens(t)
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := range 30 {
		wg.Go(func() {
			if _, err := tokens.Token(context.Background(), appEvent(int64(i%3+1))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for id := int64(1); id <= 3; id++ {
		if n := api.requestsOf(id); n != 1 {
			t.Errorf("installation %d: %d token requests from 10 concurrent callers, want 1", id, n)
		}
	}
}

func TestAppTokensRenewsExpiringToken(t *testing.T) {
	tokens, api := newAppTokens(t)
	// A token that expires within a minute is renewed before use.
	api.setLifetime(30 * time.Second)
	first, err := tokens.Token(context.Background(), appEvent(7))
	if err != nil {
		t.Fatal(err)
	}
	second, err := tokens.Token(context.Background(), appEvent(7))
	if err != nil {
		t.Fatal(err)
	}
	if first == second || api.requestsOf(7) != 2 {
		t.Errorf("tokens %q then %q in %d requests, want a new token from a second request", first, second, api.requestsOf(7))
	}
}

func TestAppTokensBaseURL(t *testing.T) {
	const want = "/app/installations/7/access_tokens"
	for _, tt := range []struct{ base, want string }{
		{"", "https://api.github.com" + want},
		{"https://api.github.com/", "https://api.github.com" + want},
		{"https://ghe.example.com/", "https://ghe.example.com/api/v3" + want},
		{"https://ghe.example.com", "https://ghe.example.com/api/v3" + want},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3" + want},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3" + want},
		{"http://10.0.0.1:8080/github/", "http://10.0.0.1:8080/github/api/v3" + want},
	} {
		t.Run(tt.base, func(t *testing.T) {
			key, pemKey := appKey(t)
			api := newAppAPI(t, appID, &key.PublicKey)
			to, _ := url.Parse(api.URL())
			rt := &redirect{to: to}
			tokens, err := NewAppTokens(AppConfig{AppID: appID, PrivateKey: pemKey, BaseURL: tt.base, Transport: rt})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tokens.Token(context.Background(), appEvent(7)); err != nil {
				t.Fatalf("Token() = %v", err)
			}
			if urls := rt.URLs(); len(urls) != 1 || urls[0] != tt.want {
				t.Errorf("token requested from %q, want [%s]", urls, tt.want)
			}
		})
	}
}

// TestAppTokensTestDoubleBaseURLs asks a double on a plain host, as the
// end-to-end tests do, through the default transport.
func TestAppTokensTestDoubleBaseURLs(t *testing.T) {
	key, pemKey := appKey(t)
	api := newAppAPI(t, appID, &key.PublicKey)
	for i, base := range []string{api.URL(), strings.TrimSuffix(api.URL(), "/"), api.URL() + "api/v3/"} {
		tokens, err := NewAppTokens(AppConfig{AppID: appID, PrivateKey: pemKey, BaseURL: base})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tokens.Token(context.Background(), appEvent(int64(i+1))); err != nil {
			t.Errorf("base %s: Token() = %v", base, err)
		}
	}
	reqs := api.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d token requests, want 3", len(reqs))
	}
	for _, r := range reqs {
		if want := "/api/v3/app/installations/" + strconv.FormatInt(r.Installation, 10) + "/access_tokens"; r.Path != want {
			t.Errorf("token requested at %s, want %s", r.Path, want)
		}
	}
}

func TestAppTokensNoInstallation(t *testing.T) {
	tokens, api := newAppTokens(t)
	_, err := tokens.Token(context.Background(), appEvent(0))
	if !errors.Is(err, ErrNoInstallation) || !strings.Contains(err.Error(), "event came through no GitHub App installation") {
		t.Errorf("Token() without installation = %v, want ErrNoInstallation", err)
	}
	if pipeline.IsTransient(err) {
		t.Errorf("error %v is marked transient; no retry will bring an installation", err)
	}
	if _, err := tokens.Token(context.Background(), appEvent(-1)); err == nil {
		t.Error("Token() for installation -1 succeeded")
	}
	if n := len(api.Requests()); n != 0 {
		t.Errorf("%d token requests, want none", n)
	}
}

func TestAppTokensFailures(t *testing.T) {
	for _, tt := range []struct {
		name      string
		code      int
		header    http.Header
		transient bool
	}{
		{name: "server error", code: http.StatusInternalServerError, transient: true},
		{name: "bad gateway", code: http.StatusBadGateway, transient: true},
		{name: "unavailable", code: http.StatusServiceUnavailable, transient: true},
		{name: "too many requests", code: http.StatusTooManyRequests, transient: true},
		{name: "secondary rate limit", code: http.StatusForbidden, header: http.Header{"Retry-After": {"60"}}, transient: true},
		{name: "rate limit", code: http.StatusForbidden, header: http.Header{"X-Ratelimit-Remaining": {"0"}}, transient: true},
		{name: "forbidden", code: http.StatusForbidden},
		{name: "uninstalled", code: http.StatusNotFound},
		{name: "unauthorized", code: http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tokens, api := newAppTokens(t)
			api.fail(tt.code, tt.header)
			_, err := tokens.Token(context.Background(), appEvent(3))
			if err == nil {
				t.Fatal("Token() succeeded against a failing API")
			}
			if got := pipeline.IsTransient(err); got != tt.transient {
				t.Errorf("Token() = %v; transient %v, want %v", err, got, tt.transient)
			}
			for _, s := range []string{"installation 3", "Codertocat/Hello-World", http.StatusText(tt.code)} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Token() = %v, want it to say %q", err, s)
				}
			}
			// A failure is not kept: the next call asks again.
			api.fail(0, nil)
			if _, err := tokens.Token(context.Background(), appEvent(3)); err != nil {
				t.Errorf("Token() once the API is back = %v", err)
			}
		})
	}
}

func TestAppTokensWrongKey(t *testing.T) {
	key, _ := appKey(t)
	api := newAppAPI(t, appID, &key.PublicKey)
	_, otherPEM := appKey(t)
	tokens, err := NewAppTokens(AppConfig{AppID: appID, PrivateKey: otherPEM, BaseURL: api.URL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tokens.Token(context.Background(), appEvent(1))
	if err == nil || pipeline.IsTransient(err) || !strings.Contains(err.Error(), "A JSON web token could not be decoded") {
		t.Errorf("Token() signed with another key = %v, want a permanent error with GitHub's message", err)
	}
}

func TestAppTokensWrongAppID(t *testing.T) {
	key, pemKey := appKey(t)
	api := newAppAPI(t, appID, &key.PublicKey)
	tokens, err := NewAppTokens(AppConfig{AppID: appID + 1, PrivateKey: pemKey, BaseURL: api.URL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tokens.Token(context.Background(), appEvent(1))
	if err == nil || pipeline.IsTransient(err) || !strings.Contains(err.Error(), "Integration not found") {
		t.Errorf("Token() as another App = %v, want a permanent error with GitHub's message", err)
	}
}

func TestAppTokensUnreachable(t *testing.T) {
	tokens, api := newAppTokens(t)
	api.srv.Close()
	_, err := tokens.Token(context.Background(), appEvent(1))
	if err == nil || !pipeline.IsTransient(err) {
		t.Errorf("Token() with the API down = %v, want a transient error", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = tokens.Token(ctx, appEvent(2))
	if err == nil || pipeline.IsTransient(err) {
		t.Errorf("Token() with a cancelled context = %v, want a permanent error", err)
	}
}

func TestNewAppTokensRefusesBadConfig(t *testing.T) {
	_, pemKey := appKey(t)
	for _, tt := range []struct {
		name string
		cfg  AppConfig
	}{
		{name: "no app id", cfg: AppConfig{PrivateKey: pemKey}},
		{name: "no key", cfg: AppConfig{AppID: appID}},
		{name: "not a key", cfg: AppConfig{AppID: appID, PrivateKey: []byte("-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n")}},
		{name: "base URL without scheme", cfg: AppConfig{AppID: appID, PrivateKey: pemKey, BaseURL: "ghe.example.com"}},
		{name: "base URL of another scheme", cfg: AppConfig{AppID: appID, PrivateKey: pemKey, BaseURL: "ftp://ghe.example.com/"}},
		{name: "base URL that does not parse", cfg: AppConfig{AppID: appID, PrivateKey: pemKey, BaseURL: "http://[::1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewAppTokens(tt.cfg); err == nil {
				t.Error("NewAppTokens() accepted the configuration")
			}
		})
	}
}

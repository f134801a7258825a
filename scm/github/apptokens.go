package github

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
	jwt "github.com/golang-jwt/jwt/v4"
	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
)

// DefaultAPIURL is the API of github.com.
const DefaultAPIURL = "https://api.github.com/"

// ErrNoInstallation is returned by AppTokens.Token for an event that did
// not come through a GitHub App, such as a repository webhook's.
var ErrNoInstallation = errors.New("event came through no GitHub App installation")

// AppConfig configures AppTokens.
type AppConfig struct {
	// AppID is the GitHub App's id, as its settings page shows it.
	AppID int64
	// PrivateKey is one of the App's private keys, PEM-encoded (PKCS #1
	// as GitHub hands it out, or PKCS #8).
	PrivateKey []byte
	// BaseURL is the API's base URL: empty for DefaultAPIURL, or a GitHub
	// Enterprise Server's URL, to which /api/v3/ is added unless it ends
	// with it (or its host starts with "api."), as the status reporter
	// does.
	BaseURL string
	// Transport carries the token requests; nil is http.DefaultTransport.
	Transport http.RoundTripper
}

// AppTokens hands out the installation tokens of a GitHub App: a token per
// installation, good for the repositories the App is installed on, to
// clone them and to report on their commits. It is safe for concurrent
// use.
type AppTokens struct {
	appID int64
	key   *rsa.PrivateKey
	base  string
	tr    http.RoundTripper

	mu sync.Mutex
	// installations holds a transport per installation id; each keeps its
	// token and renews it a minute before it expires.
	installations map[int64]*ghinstallation.Transport
}

// NewAppTokens returns the token source of the App cfg describes. It
// checks the configuration and makes no request.
func NewAppTokens(cfg AppConfig) (*AppTokens, error) {
	if cfg.AppID <= 0 {
		return nil, fmt.Errorf("github app: app id %d is not valid", cfg.AppID)
	}
	// The key is parsed once as ghinstallation would, so a bad one stops
	// the service at start rather than failing every build.
	key, err := jwt.ParseRSAPrivateKeyFromPEM(cfg.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("github app %d: private key: %w", cfg.AppID, err)
	}
	base, err := apiBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("github app %d: %w", cfg.AppID, err)
	}
	tr := cfg.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	return &AppTokens{
		appID:         cfg.AppID,
		key:           key,
		base:          base,
		tr:            tr,
		installations: make(map[int64]*ghinstallation.Transport),
	}, nil
}

// apiBaseURL is base as go-github's Enterprise client reads it, so that
// tokens are asked of the API the status reporter calls.
func apiBaseURL(base string) (string, error) {
	if base == "" {
		return DefaultAPIURL, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("base URL %q is not an http(s) URL", base)
	}
	c, err := gh.NewClient(nil).WithEnterpriseURLs(base, base)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", base, err)
	}
	return c.BaseURL.String(), nil
}

// Token returns the installation token of the App installation ev came
// through, asking GitHub for one only when the installation has none that
// is good for another minute. Errors that may pass by themselves (the API
// unreachable, a 5xx, a rate limit) are marked pipeline.Transient.
func (a *AppTokens) Token(ctx context.Context, ev pipeline.Event) (string, error) {
	id := ev.InstallationID
	if id == 0 {
		return "", fmt.Errorf("github app %d: token for %s: %w", a.appID, ev.Repo.FullName(), ErrNoInstallation)
	}
	if id < 0 {
		return "", fmt.Errorf("github app %d: token for %s: installation id %d is not valid", a.appID, ev.Repo.FullName(), id)
	}
	token, err := a.transport(id).Token(ctx)
	if err != nil {
		err = fmt.Errorf("github app %d: token of installation %d for %s: %w%s", a.appID, id, ev.Repo.FullName(), err, apiMessage(err))
		if transientTokenError(err) {
			return "", pipeline.Transient(err)
		}
		return "", err
	}
	if token == "" {
		return "", fmt.Errorf("github app %d: token of installation %d for %s: GitHub answered an empty token", a.appID, id, ev.Repo.FullName())
	}
	return token, nil
}

// transport is installation id's transport, made on first use.
func (a *AppTokens) transport(id int64) *ghinstallation.Transport {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t, ok := a.installations[id]; ok {
		return t
	}
	// An AppsTransport each: ghinstallation writes to it, unlocked,
	// whenever an installation renews its token.
	atr := ghinstallation.NewAppsTransportFromPrivateKey(a.tr, a.appID, a.key)
	atr.BaseURL = a.base
	t := ghinstallation.NewFromAppsTransport(atr, id)
	a.installations[id] = t
	return t
}

// apiMessage is ": " and GitHub's message from the error answer in err,
// if any ("Integration not found", "A JSON web token could not be
// decoded"), which says what to fix. It closes the answer's body, which
// ghinstallation leaves open.
func apiMessage(err error) string {
	var he *ghinstallation.HTTPError
	if !errors.As(err, &he) || he.Response == nil || he.Response.Body == nil {
		return ""
	}
	defer he.Response.Body.Close()
	var body struct {
		Message string `json:"message"`
	}
	if json.NewDecoder(io.LimitReader(he.Response.Body, 4<<10)).Decode(&body) != nil || body.Message == "" {
		return ""
	}
	return ": " + quote(body.Message)
}

// transientTokenError tells a failed token request worth retrying: no
// answer at all, a truncated one, a 5xx or a rate limit. A cancelled
// context is the caller's doing; a 401 or 404 (a wrong key, the App
// uninstalled) stays until someone acts.
func transientTokenError(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		resp := he.Response
		switch {
		case resp.StatusCode >= 500, resp.StatusCode == http.StatusTooManyRequests:
			return true
		case resp.StatusCode == http.StatusForbidden:
			// GitHub's rate limits answer 403 too, saying when to retry.
			return resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Remaining") == "0"
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || (he != nil && he.RootCause != nil)
}

package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	jwt "github.com/golang-jwt/jwt/v4"
)

// appKey generates an App's private key and its PEM, as GitHub hands it
// out (PKCS #1).
func appKey(t testing.TB) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// appAPI is a stand-in for GitHub's POST
// /app/installations/{id}/access_tokens, with or without GitHub
// Enterprise's /api/v3 prefix: it checks the App's JWT as GitHub does
// and answers each request with a new token.
type appAPI struct {
	srv   *httptest.Server
	appID int64
	key   *rsa.PublicKey

	mu sync.Mutex
	// lifetime is how long the tokens handed out are good for.
	lifetime time.Duration
	// failWith, when set, answers every request with that status and
	// failHeader.
	failWith   int
	failHeader http.Header
	requests   []tokenRequest
}

// tokenRequest is one request the double answered.
type tokenRequest struct {
	// Path is the path asked for, with any /api/v3 prefix.
	Path         string
	Installation int64
	// Token is the token handed out, empty when the request failed.
	Token string
}

func newAppAPI(t *testing.T, appID int64, key *rsa.PublicKey) *appAPI {
	t.Helper()
	a := &appAPI{appID: appID, key: key, lifetime: time.Hour}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", a.accessToken)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "Not Found")
	})
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/api/v3"); ok && strings.HasPrefix(rest, "/") {
			r = r.Clone(r.Context())
			r.URL.Path, r.URL.RawPath = rest, ""
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// URL is the API's base URL.
func (a *appAPI) URL() string { return a.srv.URL + "/" }

func (a *appAPI) accessToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeAPIError(w, http.StatusNotFound, "Not Found")
		return
	}
	if msg := a.checkJWT(r.Header.Get("Authorization")); msg != "" {
		writeAPIError(w, http.StatusUnauthorized, msg)
		return
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	// RequestURI is the path as sent, before the /api/v3 prefix was cut.
	req := tokenRequest{Path: r.RequestURI, Installation: id}
	if a.failWith != 0 {
		a.requests = append(a.requests, req)
		for k, v := range a.failHeader {
			w.Header()[k] = v
		}
		writeAPIError(w, a.failWith, http.StatusText(a.failWith))
		return
	}
	req.Token = fmt.Sprintf("ghs_%d_%d", id, len(a.requests)+1)
	a.requests = append(a.requests, req)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"token":                req.Token,
		"expires_at":           time.Now().Add(a.lifetime).UTC().Format(time.RFC3339),
		"permissions":          map[string]string{"contents": "read", "statuses": "write"},
		"repository_selection": "all",
	})
}

// checkJWT returns what GitHub would say of the App's JWT in header, or
// "" when it is good: RS256 under the App's key, issued by its id, valid
// now and for at most ten minutes.
func (a *appAPI) checkJWT(header string) string {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return "A JSON web token could not be decoded"
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"})).ParseWithClaims(raw, &claims,
		func(*jwt.Token) (any, error) { return a.key, nil })
	if err != nil {
		return "A JSON web token could not be decoded"
	}
	if claims.IssuedAt == nil || claims.ExpiresAt == nil {
		return "Missing 'issued at' or 'expiration time' claim"
	}
	if claims.ExpiresAt.Sub(claims.IssuedAt.Time) > 10*time.Minute {
		return "'Expiration time' claim ('exp') is too far in the future"
	}
	if claims.Issuer != strconv.FormatInt(a.appID, 10) {
		return "Integration not found"
	}
	return ""
}

func writeAPIError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{
		"message":           msg,
		"documentation_url": "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app",
	})
}

// fail makes the double answer code, with header, until fail(0, nil).
func (a *appAPI) fail(code int, header http.Header) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failWith, a.failHeader = code, header
}

func (a *appAPI) setLifetime(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lifetime = d
}

// Requests returns the requests answered so far.
func (a *appAPI) Requests() []tokenRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]tokenRequest(nil), a.requests...)
}

// requestsOf counts the requests for installation id.
func (a *appAPI) requestsOf(id int64) int {
	n := 0
	for _, r := range a.Requests() {
		if r.Installation == id {
			n++
		}
	}
	return n
}

// redirect sends every request to the double, whatever its URL, at the
// API path after any prefix, and records the URLs asked for, to see where
// tokens would be requested on github.com or an Enterprise server.
type redirect struct {
	to *url.URL

	mu   sync.Mutex
	urls []string
}

func (r *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.to.Scheme, r.to.Host, ""
	if i := strings.Index(out.URL.Path, "/app/"); i > 0 {
		out.URL.Path, out.URL.RawPath = out.URL.Path[i:], ""
	}
	return http.DefaultTransport.RoundTrip(out)
}

func (r *redirect) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

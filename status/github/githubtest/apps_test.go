package githubtest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/golang-jwt/jwt/v4"
	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/status/github/githubtest"
)

const appID = 4242

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func signJWT(t *testing.T, key any, method jwt.SigningMethod, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInstallationTokenNeedsTheAppsJWT(t *testing.T) {
	api := githubtest.New(t)
	key, other := rsaKey(t), rsaKey(t)
	api.AllowApp(appID, &key.PublicKey)
	now := time.Now().Unix()
	good := jwt.MapClaims{"iss": fmt.Sprint(appID), "iat": now - 60, "exp": now + 540}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for ck, cv := range good {
			c[ck] = cv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	undecodable, expired := "A JSON web token could not be decoded", "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	for _, tt := range []struct {
		name, auth, message string
	}{
		{"no JWT", "", "Requires authentication"},
		{"not a JWT", "Bearer ghp_0123", undecodable},
		{"another key", "Bearer " + signJWT(t, other, jwt.SigningMethodRS256, good), undecodable},
		{"another app", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("iss", "99")), undecodable},
		{"no iss", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("iss", nil)), undecodable},
		{"HMAC", "Bearer " + signJWT(t, []byte("secret"), jwt.SigningMethodHS256, good), undecodable},
		{"expired", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("exp", now-120)), expired},
		{"no exp", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("exp", nil)), expired},
		{"fractional exp", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("exp", float64(now)+300.5)), expired},
		{"exp too far", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("exp", now+3600)), "'Expiration time' claim ('exp') is too far in the future"},
		{"iat ahead", "Bearer " + signJWT(t, key, jwt.SigningMethodRS256, with("iat", now+600)), "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"},
	} {
		code, v := call(t, "POST", api.URL()+"app/installations/7/access_tokens", tt.auth, "")
		if m, _ := v.(map[string]any); code != http.StatusUnauthorized || m["message"] != tt.message {
			t.Errorf("%s: %d %v, want 401 %q", tt.name, code, v, tt.message)
		}
	}
	if toks := api.InstallationTokens(7); len(toks) != 0 {
		t.Errorf("refused JWTs got tokens %v", toks)
	}

	for _, iss := range []any{fmt.Sprint(appID), appID} {
		code, v := call(t, "POST", api.URL()+"api/v3/app/installations/7/access_tokens",
			"Bearer "+signJWT(t, key, jwt.SigningMethodRS256, with("iss", iss)), "")
		m, _ := v.(map[string]any)
		tok, _ := m["token"].(string)
		exp, err := time.Parse(time.RFC3339, fmt.Sprint(m["expires_at"]))
		if code != http.StatusCreated || !strings.HasPrefix(tok, "ghs_") || len(tok) != 40 || err != nil ||
			exp.Sub(time.Now()) < 59*time.Minute || m["repository_selection"] != "all" || m["permissions"] == nil {
			t.Errorf("iss %#v: %d %v, want 201 with a ghs_ token for an hour", iss, code, v)
		}
	}
	if toks := api.InstallationTokens(7); len(toks) != 2 || toks[0] == toks[1] {
		t.Errorf("installation 7 was issued %v, want 2 distinct tokens", toks)
	}
}

// An issued token is accepted by the other endpoints, even when the test
// restricts tokens; go-github reads the answer.
func TestInstallationTokenOpensTheAPI(t *testing.T) {
	api := githubtest.New(t)
	api.AllowTokens("ghp_someone")
	key := rsaKey(t)
	api.AllowApp(appID, &key.PublicKey)
	now := time.Now()
	jwtTok := signJWT(t, key, jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": appID, "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(9 * time.Minute).Unix()})
	ctx := context.Background()
	app, err := gh.NewClient(nil).WithAuthToken(jwtTok).WithEnterpriseURLs(api.URL(), api.URL())
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := app.Apps.CreateInstallationToken(ctx, 31, &gh.InstallationTokenOptions{Repositories: []string{"hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.GetExpiresAt().Before(now.Add(59*time.Minute)) || tok.GetPermissions().GetChecks() != "write" {
		t.Errorf("token = %v, want an hour's token that may write checks", tok)
	}
	if got := api.InstallationTokens(31); len(got) != 1 || got[0] != tok.GetToken() {
		t.Errorf("InstallationTokens(31) = %v, want [%s]", got, tok.GetToken())
	}

	inst, _ := gh.NewClient(nil).WithAuthToken(tok.GetToken()).WithEnterpriseURLs(api.URL(), api.URL())
	if _, _, err := inst.Checks.CreateCheckRun(ctx, "octo", "hello", gh.CreateCheckRunOptions{Name: "ofc/api", HeadSHA: sha}); err != nil {
		t.Errorf("create a check run with the installation token: %v", err)
	}
	if runs := api.CheckRuns(sha); len(runs) != 1 || runs[0].Token != tok.GetToken() || runs[0].Status != "queued" {
		t.Errorf("runs = %+v", runs)
	}
	if code, _ := call(t, "POST", checkRunsURL(api), "token ghs_forged", `{"name":"a","head_sha":"`+sha+`"}`); code != http.StatusUnauthorized {
		t.Errorf("a token the double never issued: %d, want 401", code)
	}
}

// ghinstallation, the usual client of the endpoint, gets its token.
func TestGhinstallationGetsAToken(t *testing.T) {
	api := githubtest.New(t)
	key := rsaKey(t)
	api.AllowApp(appID, &key.PublicKey)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	tr, err := ghinstallation.New(http.DefaultTransport, appID, 5, pemKey)
	if err != nil {
		t.Fatal(err)
	}
	tr.BaseURL = api.URL() + "api/v3"
	tok, err := tr.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := api.InstallationTokens(5); len(got) != 1 || got[0] != tok {
		t.Errorf("issued %v, ghinstallation got %q", got, tok)
	}
}

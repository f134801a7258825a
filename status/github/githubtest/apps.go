package githubtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

const (
	docsAccessToken = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"
	// GitHub's answers to a JWT it will not take.
	msgJWTUndecodable = "A JSON web token could not be decoded"
	msgJWTExpired     = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	msgJWTTooLong     = "'Expiration time' claim ('exp') is too far in the future"
	msgJWTIssuedAt    = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	// maxJWTLife is how far ahead GitHub takes an app JWT's expiry; skew
	// forgives the clocks of a test machine a little, as GitHub does.
	maxJWTLife = 10 * time.Minute
	skew       = 30 * time.Second
	tokenLife  = time.Hour
)

// AllowApp makes the double issue installation tokens to the GitHub App
// appID, taking the JWTs that key verifies. The tokens it issues are then
// accepted by every other endpoint, even when AllowTokens restricts them.
func (s *Server) AllowApp(appID int64, key *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps == nil {
		s.apps = make(map[int64]*rsa.PublicKey)
	}
	s.apps[appID] = key
}

// InstallationTokens returns the tokens issued for installation id, oldest
// first.
func (s *Server) InstallationTokens(id int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.installTokens[id])
}

// appRoutes adds the GitHub App endpoints to mux.
func (s *Server) appRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.createAccessToken)
}

// accessTokenIn is the optional body: a narrower token than the
// installation's.
type accessTokenIn struct {
	Repositories  []string          `json:"repositories"`
	RepositoryIDs []int64           `json:"repository_ids"`
	Permissions   map[string]string `json:"permissions"`
}

type accessTokenJSON struct {
	Token               string            `json:"token"`
	ExpiresAt           string            `json:"expires_at"`
	Permissions         map[string]string `json:"permissions"`
	RepositorySelection string            `json:"repository_selection"`
}

func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request) {
	raw, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		writeError(w, http.StatusUnauthorized, "Requires authentication", docsAccessToken, nil)
		return
	}
	app, msg := s.verifyAppJWT(raw, time.Now())
	if msg != "" {
		writeError(w, http.StatusUnauthorized, msg, docsRoot, nil)
		return
	}
	if code := s.failure(); code != 0 {
		writeError(w, code, http.StatusText(code), docsRoot, nil)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, "Not Found", docsAccessToken, nil)
		return
	}
	var in accessTokenIn
	// The body is optional; go-github and ghinstallation may send "null".
	if body, err := io.ReadAll(r.Body); err != nil || (len(body) > 0 && json.Unmarshal(body, &in) != nil) {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docsAccessToken, nil)
		return
	}
	out := accessTokenJSON{
		Token:               "ghs_" + rand.Text()[:26] + rand.Text()[:10],
		ExpiresAt:           time.Now().UTC().Add(tokenLife).Truncate(time.Second).Format(time.RFC3339),
		Permissions:         in.Permissions,
		RepositorySelection: "all",
	}
	if len(in.Repositories) > 0 || len(in.RepositoryIDs) > 0 {
		out.RepositorySelection = "selected"
	}
	if len(out.Permissions) == 0 {
		out.Permissions = map[string]string{"checks": "write", "contents": "read", "metadata": "read",
			"pull_requests": "write", "statuses": "write"}
	}
	s.mu.Lock()
	if s.installTokens == nil {
		s.installTokens, s.issued = make(map[int64][]string), make(map[string]int64)
	}
	s.installTokens[id] = append(s.installTokens[id], out.Token)
	s.issued[out.Token] = app
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

// verifyAppJWT checks a JWT as GitHub does: RS256, signed by the key of
// the app its iss names (a number or a string of one), with integer iat
// and exp, exp in the future but at most ten minutes ahead. It returns the
// app, or GitHub's message for the refusal.
func (s *Server) verifyAppJWT(raw string, now time.Time) (int64, string) {
	var app int64
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		var err error
		if app, err = issuer(claims["iss"]); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if key := s.apps[app]; key != nil {
			return key, nil
		}
		return nil, fmt.Errorf("no app %d", app)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithJSONNumber(), jwt.WithoutClaimsValidation())
	if err != nil {
		return 0, msgJWTUndecodable
	}
	exp, ok := seconds(claims["exp"])
	switch {
	case !ok || !exp.After(now.Add(-skew)):
		return 0, msgJWTExpired
	case exp.After(now.Add(maxJWTLife + skew)):
		return 0, msgJWTTooLong
	}
	if iat, ok := seconds(claims["iat"]); !ok || iat.After(now.Add(skew)) {
		return 0, msgJWTIssuedAt
	}
	return app, ""
}

// issuer reads iss, which GitHub takes as a number or a string.
func issuer(v any) (int64, error) {
	switch iss := v.(type) {
	case json.Number:
		return iss.Int64()
	case string:
		return strconv.ParseInt(iss, 10, 64)
	}
	return 0, errors.New("no iss claim")
}

// seconds reads an integer NumericDate; GitHub refuses fractions.
func seconds(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	i, err := n.Int64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(i, 0), true
}

package access

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// Config is what Checker needs.
type Config struct {
	// Links verifies signed links; nil accepts none.
	Links *Signer
	// Tokens are the API tokens, each of which reads every repository.
	// Empty ones are ignored.
	Tokens []string
	// Now is the clock links expire by; nil is time.Now.
	Now func() time.Time
}

// Checker answers who may read what, as api.Access asks. Safe for
// concurrent use.
type Checker struct {
	links *Signer
	// tokens are hashed so that comparing them takes the same time
	// whatever their length and however much of one matches.
	tokens [][sha256.Size]byte
	now    func() time.Time
}

// New returns a Checker for cfg.
func New(cfg Config) *Checker {
	c := &Checker{links: cfg.Links, now: cfg.Now}
	if c.now == nil {
		c.now = time.Now
	}
	for _, t := range cfg.Tokens {
		if t != "" {
			c.tokens = append(c.tokens, sha256.Sum256([]byte(t)))
		}
	}
	return c
}

// CanReadRepo reports whether r may read repo: anyone a public one, an
// API token any.
func (c *Checker) CanReadRepo(r *http.Request, repo pipeline.Repo) bool {
	return !repo.Private || c.hasToken(r)
}

// CanReadBuild reports whether r may read b: as its repository, or with a
// valid, unexpired link signed for b.
func (c *Checker) CanReadBuild(r *http.Request, b pipeline.Build) bool {
	return c.CanReadRepo(r, b.Repo) || c.links.Valid(r.URL.Query(), b.ID, c.now())
}

// hasToken reports whether r carries one of the API tokens as
// "Authorization: Bearer <token>".
func (c *Checker) hasToken(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(c.tokens) == 0 {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	found := 0
	for _, t := range c.tokens {
		// Every token is compared, so the time does not say which matched.
		found |= subtle.ConstantTimeCompare(sum[:], t[:])
	}
	return found == 1
}

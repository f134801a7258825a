package access

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// Config is what Checker needs.
type Config struct {
	// Links verifies signed links; nil accepts none.
	Links *Signer
	// Tokens are API tokens that read every repository, named
	// "token-N" after their place. Empty ones are ignored.
	Tokens []string
	// Scoped are API tokens with names, each of which reads every
	// repository; those of scope Write also ask for rebuilds, cancels
	// and rollbacks. Ones with an empty secret are ignored.
	Scoped []Token
	// Now is the clock links expire by; nil is time.Now.
	Now func() time.Time
}

// Checker answers who may read what, as api.Access asks. Safe for
// concurrent use.
type Checker struct {
	links *Signer
	// tokens are hashed so that comparing them takes the same time
	// whatever their length and however much of one matches.
	tokens []hashed
	now    func() time.Time
}

// hashed is a token with its secret hashed.
type hashed struct {
	sum [sha256.Size]byte
	who Caller
}

// Caller is who made a request with a token, and whether it may write.
type Caller struct {
	Name  string
	Write bool
}

// New returns a Checker for cfg.
func New(cfg Config) *Checker {
	c := &Checker{links: cfg.Links, now: cfg.Now}
	if c.now == nil {
		c.now = time.Now
	}
	tokens := cfg.Scoped
	for i, t := range cfg.Tokens {
		tokens = append(tokens, Token{Name: "token-" + strconv.Itoa(i+1), Scope: Read, Secret: t})
	}
	for _, t := range tokens {
		if t.Secret != "" {
			c.tokens = append(c.tokens, hashed{sum: sha256.Sum256([]byte(t.Secret)), who: Caller{Name: t.Name, Write: t.Scope == Write}})
		}
	}
	return c
}

// CanReadRepo reports whether r may read repo: anyone a public one, an
// API token any.
func (c *Checker) CanReadRepo(r *http.Request, repo pipeline.Repo) bool {
	if !repo.Private {
		return true
	}
	_, ok := c.Caller(r)
	return ok
}

// CanReadBuild reports whether r may read b: as its repository, or with a
// valid, unexpired link signed for b.
func (c *Checker) CanReadBuild(r *http.Request, b pipeline.Build) bool {
	return c.CanReadRepo(r, b.Repo) || c.links.Valid(r.URL.Query(), b.ID, c.now())
}

// Caller is who r's token names, when r carries one of the API tokens as
// "Authorization: Bearer <token>"; ok is false without one.
func (c *Checker) Caller(r *http.Request) (who Caller, ok bool) {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" || len(c.tokens) == 0 {
		return Caller{}, false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := -1
	for i, t := range c.tokens {
		// Every token is compared, so the time does not say which matched.
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return Caller{}, false
	}
	return c.tokens[match].who, true
}

// Writer implements api.Writers: the name of r's token and whether its
// scope is write; ok is false when r carries no valid token.
func (c *Checker) Writer(r *http.Request) (name string, write, ok bool) {
	who, ok := c.Caller(r)
	return who.Name, who.Write, ok
}

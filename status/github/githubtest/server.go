// Package githubtest is a stand-in for the GitHub REST API's commit
// statuses, check runs and pull request comments, for tests: an httptest
// server that records what is set on commits and answers as GitHub does,
// so a test can check what a user would see on the commit.
//
// It serves, with or without GitHub Enterprise's /api/v3 prefix:
//
//	POST /repos/{owner}/{repo}/statuses/{sha}         create a status (auth required)
//	GET  /repos/{owner}/{repo}/commits/{ref}/statuses list, newest first
//	GET  /repos/{owner}/{repo}/statuses/{ref}         the same, legacy path
//	GET  /repos/{owner}/{repo}/commits/{ref}/status   combined status
//	GET  /repos/{owner}/{repo}/issues/{n}/comments    list comments, paginated
//	POST /repos/{owner}/{repo}/issues/{n}/comments    comment on a pull request
//	PATCH /repos/{owner}/{repo}/issues/comments/{id}  edit a comment
//	POST /repos/{owner}/{repo}/check-runs             create a check run
//	PATCH /repos/{owner}/{repo}/check-runs/{id}       update a check run
//	GET  /repos/{owner}/{repo}/commits/{ref}/check-runs  list, newest first
//	GET  /repos/{owner}/{repo}/branches               list branches, paginated (auth optional)
//	POST /app/installations/{id}/access_tokens        installation token (app JWT)
package githubtest

import (
	"context"
	"crypto/rsa"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Status is one commit status as it was set.
type Status struct {
	ID    int64
	Owner string
	Repo  string
	SHA   string
	// State, Description, TargetURL and Context are as decoded from the
	// request; Context is "default" when the request had none, as on GitHub.
	State       string
	Description string
	TargetURL   string
	Context     string
	// Token is the token the request was authorised with.
	Token     string
	CreatedAt time.Time
}

// Server is a running double of the API. Its methods are safe for
// concurrent use.
type Server struct {
	srv *httptest.Server
	log func(format string, args ...any)

	mu       sync.Mutex
	statuses []Status
	comments []Comment
	tokens   map[string]bool
	// checkRuns are in creation order; a run's id is its index plus one.
	checkRuns []CheckRun
	// apps verify app JWTs; installTokens are the tokens issued per
	// installation, and issued maps each to its app.
	apps          map[int64]*rsa.PublicKey
	installTokens map[int64][]string
	issued        map[string]int64
	failWith      int
	// branches holds each repository's heads, by repoKey, then by name.
	branches map[string]map[string]string
	// changed is closed, and replaced, whenever a status is recorded.
	changed chan struct{}
}

// New starts a double that accepts any token, and closes it when the test
// ends. t may be nil, in which case the caller closes it.
func New(t testing.TB) *Server {
	s := &Server{changed: make(chan struct{}), log: func(string, ...any) {}}
	if t != nil {
		t.Helper()
		s.log = t.Logf
	}
	s.srv = httptest.NewServer(s.routes())
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// URL is the API's base URL, to use as the status reporter's base URL.
func (s *Server) URL() string { return s.srv.URL + "/" }

// Close stops the server, waiting for requests in flight.
func (s *Server) Close() { s.srv.Close() }

// AllowTokens makes the double accept only these tokens and the ones it
// issued to app installations, answering 401 Bad credentials to others.
// With none, any token is accepted.
func (s *Server) AllowTokens(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = make(map[string]bool, len(tokens))
	for _, tok := range tokens {
		s.tokens[tok] = true
	}
}

// FailWith makes every later status creation, every authenticated call
// to the comment, check run and installation token endpoints, and every
// branch listing, fail with HTTP status code, as GitHub does when it is
// down; 0 restores normal service.
func (s *Server) FailWith(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWith = code
}

// Statuses returns the statuses set on commit sha, in any repository, in
// the order they arrived.
func (s *Server) Statuses(sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.matching(func(st Status) bool { return st.SHA == sha })
}

// All returns every status set, in the order they arrived.
func (s *Server) All() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.statuses)
}

// Wait returns the statuses of sha once done reports true of them, or the
// statuses so far and ctx's error when ctx ends first.
func (s *Server) Wait(ctx context.Context, sha string, done func([]Status) bool) ([]Status, error) {
	for {
		s.mu.Lock()
		got := s.matching(func(st Status) bool { return st.SHA == sha })
		changed := s.changed
		s.mu.Unlock()
		if done(got) {
			return got, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return got, ctx.Err()
		}
	}
}

// Latest returns, for each context of sha's statuses, the newest one: what
// GitHub shows on the commit.
func Latest(statuses []Status) map[string]Status {
	latest := make(map[string]Status)
	for _, st := range statuses {
		latest[st.Context] = st
	}
	return latest
}

// record stores st, giving it its id and time.
func (s *Server) record(st Status) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.ID = int64(len(s.statuses) + 1)
	st.CreatedAt = time.Now().UTC().Truncate(time.Second)
	s.statuses = append(s.statuses, st)
	close(s.changed)
	s.changed = make(chan struct{})
	return st
}

// listFor returns the statuses of owner/repo at sha, newest first, as
// GitHub lists them. Owner and repository compare case-blind, as on GitHub.
func (s *Server) listFor(owner, repo, sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := s.matching(func(st Status) bool {
		return st.SHA == sha && strings.EqualFold(st.Owner, owner) && strings.EqualFold(st.Repo, repo)
	})
	slices.Reverse(got)
	return got
}

// authorise checks a token against the allowed ones and those issued to
// installations. Callers hold no lock.
func (s *Server) authorise(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, issued := s.issued[token]
	return len(s.tokens) == 0 || s.tokens[token] || issued
}

func (s *Server) failure() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failWith
}

// matching must be called with s.mu held.
func (s *Server) matching(keep func(Status) bool) []Status {
	var out []Status
	for _, st := range s.statuses {
		if keep(st) {
			out = append(out, st)
		}
	}
	return out
}

// Package gitlabtest is a stand-in for the parts of GitLab's REST API v4
// the status reporter calls, for tests: an httptest server that records
// the commit statuses and merge request notes written to it and answers
// as GitLab does, so a test can check what a user would see.
//
// It serves, under /api/v4, with {id} a project's URL-encoded full path
// ("group%2Fsub%2Frepo") or its number:
//
//	POST /projects/{id}/statuses/{sha}                         set a commit status
//	GET  /projects/{id}/repository/commits/{sha}/statuses      list commit statuses
//	GET  /projects/{id}/merge_requests/{iid}/notes             list notes, paginated
//	POST /projects/{id}/merge_requests/{iid}/notes             write a note
//	PUT  /projects/{id}/merge_requests/{iid}/notes/{note_id}   edit a note
//	GET  /projects/{id}/repository/branches                    list branches, paginated
//
// Every call needs a token, in a PRIVATE-TOKEN header, a private_token
// query parameter or an "Authorization: Bearer" header, except a listing
// of branches, which takes one but, as for a public project, needs none.
// Each token is a user of its own: only a note's author may edit it. Any
// project path exists, getting its number when first named; any merge
// request iid exists; any 40- or 64-digit hex SHA is a commit. Only a
// project SetBranch gave a repository has branches to list: for another,
// the listing answers 404 Project Not Found.
//
// Commit statuses follow GitLab's rules: a status of a name stays open
// while pending or running and is moved by later calls (pending twice is
// refused with 400 "Cannot transition status via :enqueue from :pending"),
// and a call after it finished opens a new one.
package gitlabtest

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running double of the API. Its methods are safe for
// concurrent use.
type Server struct {
	srv *httptest.Server
	log func(format string, args ...any)

	mu       sync.Mutex
	tokens   map[string]bool
	failWith int
	projects []string // by number - 1: full paths as first named
	users    []string // by user id - 1: the token of each user
	calls    []Status
	rows     []statusRow
	notes    []Note
	repos    map[int64]*repository // by project number: its branches
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

// URL is the API's base URL, ending in /api/v4, to use as the status
// reporter's base URL.
func (s *Server) URL() string { return s.srv.URL + apiPrefix }

// Close stops the server, waiting for requests in flight.
func (s *Server) Close() { s.srv.Close() }

// AllowTokens makes the double accept only these tokens, answering 401
// Unauthorized to others. With none, any token is accepted.
func (s *Server) AllowTokens(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = make(map[string]bool, len(tokens))
	for _, tok := range tokens {
		s.tokens[tok] = true
	}
}

// FailWith makes every later call to a known route fail with HTTP status
// code before anything else is looked at, as GitLab does when it is down
// or limits the rate; 0 restores normal service.
func (s *Server) FailWith(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWith = code
}

// ProjectID returns the number of the project at full path, giving it one
// if it has none yet, for calls that name projects by number.
func (s *Server) ProjectID(path string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.projectByPath(path)
}

// Statuses returns the statuses set on commit sha, in any project, in the
// order they were accepted; refused calls are not among them.
func (s *Server) Statuses(sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsOf(sha)
}

// All returns every status set, in the order they were accepted.
func (s *Server) All() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Wait returns the statuses of sha once done reports true of them, or the
// statuses so far and ctx's error when ctx ends first.
func (s *Server) Wait(ctx context.Context, sha string, done func([]Status) bool) ([]Status, error) {
	for {
		s.mu.Lock()
		got := s.callsOf(sha)
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

// Notes returns the notes of merge request iid of the project at full
// path (compared case-blind, as GitLab does), oldest first.
func (s *Server) Notes(project string, iid int) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Note
	for _, n := range s.notes {
		if n.IID == iid && strings.EqualFold(n.Project, project) {
			out = append(out, n)
		}
	}
	return out
}

// callsOf must be called with s.mu held.
func (s *Server) callsOf(sha string) []Status {
	var out []Status
	for _, st := range s.calls {
		if st.SHA == sha {
			out = append(out, st)
		}
	}
	return out
}

// authorise checks a token against the allowed ones and returns the id of
// its user.
func (s *Server) authorise(token string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) != 0 && !s.tokens[token] {
		return 0, false
	}
	if i := slices.Index(s.users, token); i >= 0 {
		return int64(i + 1), true
	}
	s.users = append(s.users, token)
	return int64(len(s.users)), true
}

func (s *Server) failure() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failWith
}

// now is the time GitLab would stamp, to the millisecond it shows.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

package github_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/scm/github"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

// recorder keeps the requests a client made, to see what went on the wire.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, r.Clone(context.Background()))
	rec.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (rec *recorder) requests() []*http.Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]*http.Request(nil), rec.reqs...)
}

func newBranches(t *testing.T, base string) (*github.Branches, *recorder) {
	t.Helper()
	rec := &recorder{}
	b, err := github.NewBranches(github.BranchesConfig{BaseURL: base, HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	return b, rec
}

var octoRepo = pipeline.Repo{Provider: pipeline.GitHub, Owner: "octo", Name: "fns"}

// sha is a distinct 40-digit commit id for n.
func sha(n int) string { return fmt.Sprintf("%040x", 0xabc000+n) }

func TestHeadsReadsEveryBranchAcrossPages(t *testing.T) {
	srv := githubtest.New(t)
	want := map[string]string{}
	for i := range 150 {
		name := fmt.Sprintf("feature/%03d", i)
		want[name] = sha(i)
		srv.SetBranch("octo", "fns", name, sha(i))
	}
	b, rec := newBranches(t, srv.URL())

	got, err := b.Heads(context.Background(), octoRepo, "tok")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("heads: got %d branches, want %d; differences: %v", len(got), len(want), diff(got, want))
	}
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("made %d requests, want 2 pages of 100", len(reqs))
	}
	for i, r := range reqs {
		// The double's root is a GitHub Enterprise host: go-github adds /api/v3.
		if r.URL.Path != "/api/v3/repos/octo/fns/branches" || r.URL.Query().Get("per_page") != "100" ||
			r.URL.Query().Get("page") != fmt.Sprint(i+1) {
			t.Errorf("request %d: %s", i, r.URL)
		}
	}
}

func TestHeadsSendsTheToken(t *testing.T) {
	srv := githubtest.New(t)
	srv.SetBranch("octo", "fns", "main", sha(1))
	srv.AllowTokens("good")
	b, rec := newBranches(t, srv.URL())
	ctx := context.Background()

	if _, err := b.Heads(ctx, octoRepo, "good"); err != nil {
		t.Fatalf("good token: %v", err)
	}
	if h := rec.requests()[0].Header.Get("Authorization"); h != "Bearer good" {
		t.Errorf("Authorization: got %q, want %q", h, "Bearer good")
	}
	_, err := b.Heads(ctx, octoRepo, "bad")
	if err == nil || !strings.Contains(err.Error(), "401") || pipeline.IsTransient(err) {
		t.Errorf("bad token: got %v, want a plain 401 error", err)
	}
	// A public repository reads without a token.
	got, err := b.Heads(ctx, octoRepo, "")
	if err != nil || got["main"] != sha(1) {
		t.Errorf("no token: got %v, %v", got, err)
	}
	if h := rec.requests()[2].Header.Get("Authorization"); h != "" {
		t.Errorf("no token: sent Authorization %q", h)
	}
}

func TestHeadsOfAnUnknownRepositoryIsAPlainError(t *testing.T) {
	srv := githubtest.New(t)
	b, _ := newBranches(t, srv.URL())

	_, err := b.Heads(context.Background(), pipeline.Repo{Owner: "octo", Name: "gone"}, "tok")
	if err == nil {
		t.Fatal("no error for a repository that does not exist")
	}
	if pipeline.IsTransient(err) {
		t.Errorf("404 marked transient: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "list branches of octo/gone: ") || !strings.Contains(err.Error(), "404") {
		t.Errorf("error says not what failed: %v", err)
	}
}

func TestHeadsOfARepositoryWithoutBranchesIsEmpty(t *testing.T) {
	srv := githubtest.New(t)
	srv.SetBranch("octo", "fns", "main", sha(1))
	srv.SetBranch("octo", "fns", "main", "")
	b, _ := newBranches(t, srv.URL())

	got, err := b.Heads(context.Background(), octoRepo, "tok")
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no branches and no error", got, err)
	}
}

func TestHeadsMarksPassingFailuresTransient(t *testing.T) {
	for _, code := range []int{http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv := githubtest.New(t)
			srv.SetBranch("octo", "fns", "main", sha(1))
			srv.FailWith(code)
			b, _ := newBranches(t, srv.URL())
			_, err := b.Heads(context.Background(), octoRepo, "tok")
			if !pipeline.IsTransient(err) {
				t.Errorf("got %v, want a transient error", err)
			}
		})
	}
	t.Run("no answer", func(t *testing.T) {
		srv := githubtest.New(nil)
		url := srv.URL()
		srv.Close()
		b, _ := newBranches(t, url)
		_, err := b.Heads(context.Background(), octoRepo, "tok")
		if !pipeline.IsTransient(err) {
			t.Errorf("got %v, want a transient error", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		srv := githubtest.New(t)
		srv.SetBranch("octo", "fns", "main", sha(1))
		b, _ := newBranches(t, srv.URL())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := b.Heads(ctx, octoRepo, "tok")
		if err == nil || pipeline.IsTransient(err) {
			t.Errorf("got %v, want a plain error: the caller cancelled", err)
		}
	})
}

func TestNewBranchesRefusesABadBaseURL(t *testing.T) {
	if _, err := github.NewBranches(github.BranchesConfig{BaseURL: "ftp://example.com/"}); err == nil {
		t.Error("no error for an ftp base URL")
	}
}

// diff lists the branches whose heads differ, for a short failure message.
func diff(got, want map[string]string) []string {
	var out []string
	for k, v := range want {
		if got[k] != v {
			out = append(out, fmt.Sprintf("%s: got %q want %q", k, got[k], v))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			out = append(out, k+": unexpected")
		}
	}
	if len(out) > 5 {
		out = append(out[:5], "...")
	}
	return out
}

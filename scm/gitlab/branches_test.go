package gitlab_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/scm/gitlab"
	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
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

func newBranches(t *testing.T, base string) (*gitlab.Branches, *recorder) {
	t.Helper()
	rec := &recorder{}
	b, err := gitlab.NewBranches(gitlab.BranchesConfig{BaseURL: base, HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	return b, rec
}

// nested is a project in a subgroup, whose path must travel URL-encoded.
var nested = pipeline.Repo{Provider: pipeline.GitLab, Owner: "group/sub", Name: "fns"}

// sha is a distinct 40-digit commit id for n.
func sha(n int) string { return fmt.Sprintf("%040x", 0xdef000+n) }

func TestHeadsReadsEveryBranchAcrossPages(t *testing.T) {
	srv := gitlabtest.New(t)
	want := map[string]string{}
	for i := range 150 {
		name := fmt.Sprintf("feature/%03d", i)
		want[name] = sha(i)
		srv.SetBranch("group/sub/fns", name, sha(i))
	}
	b, rec := newBranches(t, srv.URL())

	got, err := b.Heads(context.Background(), nested, "tok")
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
		if r.URL.EscapedPath() != "/api/v4/projects/group%2Fsub%2Ffns/repository/branches" ||
			r.URL.Query().Get("per_page") != "100" || r.URL.Query().Get("page") != fmt.Sprint(i+1) {
			t.Errorf("request %d: %s", i, r.URL)
		}
	}
}

func TestHeadsSendsTheToken(t *testing.T) {
	srv := gitlabtest.New(t)
	srv.SetBranch("group/sub/fns", "main", sha(1))
	srv.AllowTokens("good")
	b, rec := newBranches(t, srv.URL())
	ctx := context.Background()

	if _, err := b.Heads(ctx, nested, "good"); err != nil {
		t.Fatalf("good token: %v", err)
	}
	if h := rec.requests()[0].Header.Get("Authorization"); h != "Bearer good" {
		t.Errorf("Authorization: got %q, want %q", h, "Bearer good")
	}
	_, err := b.Heads(ctx, nested, "bad")
	if err == nil || !strings.Contains(err.Error(), "401") || pipeline.IsTransient(err) {
		t.Errorf("bad token: got %v, want a plain 401 error", err)
	}
	// A public project reads without a token.
	got, err := b.Heads(ctx, nested, "")
	if err != nil || got["main"] != sha(1) {
		t.Errorf("no token: got %v, %v", got, err)
	}
	if h := rec.requests()[2].Header.Get("Authorization"); h != "" {
		t.Errorf("no token: sent Authorization %q", h)
	}
}

func TestHeadsOfAnUnknownProjectIsAPlainError(t *testing.T) {
	srv := gitlabtest.New(t)
	b, _ := newBranches(t, srv.URL())

	_, err := b.Heads(context.Background(), pipeline.Repo{Owner: "group/sub", Name: "gone"}, "tok")
	if err == nil {
		t.Fatal("no error for a project that does not exist")
	}
	if pipeline.IsTransient(err) {
		t.Errorf("404 marked transient: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "list branches of group/sub/gone: ") || !strings.Contains(err.Error(), "404") {
		t.Errorf("error says not what failed: %v", err)
	}
}

func TestHeadsOfAProjectWithoutBranchesIsEmpty(t *testing.T) {
	srv := gitlabtest.New(t)
	srv.SetBranch("group/sub/fns", "main", sha(1))
	srv.SetBranch("group/sub/fns", "main", "")
	b, _ := newBranches(t, srv.URL())

	got, err := b.Heads(context.Background(), nested, "tok")
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no branches and no error", got, err)
	}
}

func TestHeadsMarksPassingFailuresTransient(t *testing.T) {
	for _, code := range []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv := gitlabtest.New(t)
			srv.SetBranch("group/sub/fns", "main", sha(1))
			srv.FailWith(code)
			b, _ := newBranches(t, srv.URL())
			_, err := b.Heads(context.Background(), nested, "tok")
			if !pipeline.IsTransient(err) {
				t.Errorf("got %v, want a transient error", err)
			}
		})
	}
	t.Run("no answer", func(t *testing.T) {
		srv := gitlabtest.New(nil)
		url := srv.URL()
		srv.Close()
		b, _ := newBranches(t, url)
		_, err := b.Heads(context.Background(), nested, "tok")
		if !pipeline.IsTransient(err) {
			t.Errorf("got %v, want a transient error", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		srv := gitlabtest.New(t)
		srv.SetBranch("group/sub/fns", "main", sha(1))
		b, _ := newBranches(t, srv.URL())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := b.Heads(ctx, nested, "tok")
		if err == nil || pipeline.IsTransient(err) {
			t.Errorf("got %v, want a plain error: the caller cancelled", err)
		}
	})
}

func TestHeadsRefusesAnInvalidProjectPath(t *testing.T) {
	b, rec := newBranches(t, "http://127.0.0.1:1/api/v4")
	for _, repo := range []pipeline.Repo{{Owner: "", Name: "fns"}, {Owner: "group/..", Name: "fns"}, {Owner: "group", Name: ""}} {
		if _, err := b.Heads(context.Background(), repo, "tok"); err == nil {
			t.Errorf("%q: no error", repo.FullName())
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("made %d requests for invalid paths", n)
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

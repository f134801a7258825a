package github_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
	status "github.com/ofcbuild/ofc/status/github"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

const (
	commit = "abc1234def5678abc1234def5678abc1234def56"
	token  = "ghp_0123456789"
)

var event = pipeline.Event{
	DeliveryID: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
	Kind:       pipeline.Push,
	Repo: pipeline.Repo{
		Provider: pipeline.GitHub, Owner: "owner", Name: "repo",
		CloneURL: "https://github.com/owner/repo.git", DefaultBranch: "main",
	},
	Ref: "refs/heads/main", Branch: "main", Commit: commit,
}

// newReporter returns a reporter calling api with tok.
func newReporter(t *testing.T, api *githubtest.Server, tok string) *status.Reporter {
	t.Helper()
	r, err := status.New(status.Config{BaseURL: api.URL(), Token: status.StaticToken(tok)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReportPendingThenSuccess(t *testing.T) {
	api := githubtest.New(t)
	api.AllowTokens(token)
	r := newReporter(t, api, token)
	ctx := context.Background()

	steps := []pipeline.CommitStatus{
		{Context: "ofc/api", State: pipeline.StatusPending, Description: "Building 2 functions", TargetURL: "https://ofc.example.com/builds/7"},
		{Context: "ofc/api", State: pipeline.StatusSuccess, Description: "Deployed api, worker", TargetURL: "https://ofc.example.com/builds/7"},
	}
	for _, st := range steps {
		if err := r.Report(ctx, event, st); err != nil {
			t.Fatalf("Report(%s) = %v", st.State, err)
		}
	}

	got := api.Statuses(commit)
	if len(got) != len(steps) {
		t.Fatalf("recorded %d statuses, want %d: %+v", len(got), len(steps), got)
	}
	for i, want := range steps {
		g := got[i]
		if g.Owner != "owner" || g.Repo != "repo" || g.SHA != commit || g.Token != token ||
			g.State != string(want.State) || g.Context != want.Context ||
			g.Description != want.Description || g.TargetURL != want.TargetURL {
			t.Errorf("status %d = %+v, want %+v on owner/repo@%s with the token", i, g, want, commit)
		}
	}
	if latest := githubtest.Latest(got)["ofc/api"]; latest.State != "success" {
		t.Errorf("commit shows ofc/api %s, want success", latest.State)
	}
}

func TestReportBaseURLs(t *testing.T) {
	api := githubtest.New(t)
	for _, base := range []string{
		api.URL(),
		strings.TrimSuffix(api.URL(), "/"),
		api.URL() + "api/v3/",
		api.URL() + "api/v3",
	} {
		r, err := status.New(status.Config{BaseURL: base, Token: status.StaticToken(token)})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Report(context.Background(), event, pipeline.CommitStatus{Context: base, State: pipeline.StatusPending}); err != nil {
			t.Errorf("base %s: Report() = %v", base, err)
		}
	}
	if n := len(api.Statuses(commit)); n != 4 {
		t.Errorf("recorded %d statuses, want 4", n)
	}
}

func TestReportTruncatesDescription(t *testing.T) {
	api := githubtest.New(t)
	r := newReporter(t, api, token)
	long := "build failed: " + strings.Repeat("ünïcödé ", 40)
	err := r.Report(context.Background(), event, pipeline.CommitStatus{
		Context: "ofc/api", State: pipeline.StatusFailure, Description: long,
	})
	if err != nil {
		t.Fatalf("Report() = %v", err)
	}
	got := api.Statuses(commit)
	if len(got) != 1 {
		t.Fatalf("recorded %d statuses, want 1", len(got))
	}
	d := got[0].Description
	if n := utf8.RuneCountInString(d); n > status.MaxDescription || !utf8.ValidString(d) {
		t.Errorf("description has %d characters (valid UTF-8: %v), want at most %d", n, utf8.ValidString(d), status.MaxDescription)
	}
	if !strings.HasSuffix(d, "…") || !strings.HasPrefix(d, "build failed: ünïcödé") {
		t.Errorf("description = %q, want the start of the message ending in …", d)
	}
}

func TestReportUnauthorized(t *testing.T) {
	api := githubtest.New(t)
	api.AllowTokens(token)
	r := newReporter(t, api, "revoked")
	err := r.Report(context.Background(), event, pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending})
	if err == nil {
		t.Fatal("Report() with a bad token succeeded")
	}
	if !strings.HasPrefix(err.Error(), "set status ofc/api on owner/repo@abc1234: ") || !strings.Contains(err.Error(), "Bad credentials") {
		t.Errorf("error = %q, want it to name the status, repository, commit and GitHub's message", err)
	}
	var ghErr *gh.ErrorResponse
	if !errors.As(err, &ghErr) || ghErr.Response.StatusCode != http.StatusUnauthorized {
		t.Errorf("error %v does not carry GitHub's 401", err)
	}
	if pipeline.IsTransient(err) {
		t.Errorf("a 401 is marked transient: retrying will not fix a token")
	}
	if n := len(api.All()); n != 0 {
		t.Errorf("recorded %d statuses, want none", n)
	}
}

func TestReportServerErrorIsTransient(t *testing.T) {
	api := githubtest.New(t)
	api.FailWith(http.StatusBadGateway)
	r := newReporter(t, api, token)
	err := r.Report(context.Background(), event, pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending})
	if err == nil || !pipeline.IsTransient(err) {
		t.Fatalf("Report() against a failing API = %v, want a transient error", err)
	}
}

func TestReportUnreachableIsTransient(t *testing.T) {
	api := githubtest.New(t)
	r := newReporter(t, api, token)
	api.Close()
	err := r.Report(context.Background(), event, pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending})
	if err == nil || !pipeline.IsTransient(err) {
		t.Fatalf("Report() against a stopped API = %v, want a transient error", err)
	}
}

func TestReportRefusesBeforeCalling(t *testing.T) {
	gitlabEvent := event
	gitlabEvent.Repo.Provider = pipeline.GitLab
	noCommit := event
	noCommit.Commit = ""
	ok := pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending}
	tests := []struct {
		name  string
		token status.TokenSource
		ev    pipeline.Event
		st    pipeline.CommitStatus
	}{
		{"unknown state", status.StaticToken(token), event, pipeline.CommitStatus{Context: "ofc/api", State: "done"}},
		{"no token", status.StaticToken(""), event, ok},
		{"token source fails", failingToken{}, event, ok},
		{"a GitLab event", status.StaticToken(token), gitlabEvent, ok},
		{"no commit", status.StaticToken(token), noCommit, ok},
	}
	api := githubtest.New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := status.New(status.Config{BaseURL: api.URL(), Token: tt.token})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Report(context.Background(), tt.ev, tt.st); err == nil {
				t.Fatal("Report() succeeded")
			}
		})
	}
	if n := len(api.All()); n != 0 {
		t.Errorf("recorded %d statuses, want none", n)
	}
}

func TestNewNeedsToken(t *testing.T) {
	if _, err := status.New(status.Config{}); err == nil {
		t.Fatal("New() without a token source succeeded")
	}
}

type failingToken struct{}

func (failingToken) Token(context.Context, pipeline.Event) (string, error) {
	return "", errors.New("installation 1 is suspended")
}

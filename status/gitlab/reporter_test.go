package gitlab_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
	status "github.com/ofcbuild/ofc/status/gitlab"
	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

const (
	commit = "abc1234def5678abc1234def5678abc1234def56"
	token  = "glpat-0123456789"
)

var event = pipeline.Event{
	DeliveryID: "b7a3e5a4-6f2c-4c0e-9f56-1f3f7a0d2a11",
	Kind:       pipeline.Push,
	Repo: pipeline.Repo{
		Provider: pipeline.GitLab, Owner: "group/sub", Name: "repo",
		CloneURL: "https://gitlab.com/group/sub/repo.git", DefaultBranch: "main",
	},
	Ref: "refs/heads/main", Branch: "main", Commit: commit,
}

// newReporter returns a reporter calling api with tok.
func newReporter(t *testing.T, api *gitlabtest.Server, tok string) *status.Reporter {
	t.Helper()
	r, err := status.New(status.Config{BaseURL: api.URL(), Token: status.StaticToken(tok)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReportMapsStates(t *testing.T) {
	tests := []struct {
		state pipeline.StatusState
		want  string
	}{
		{pipeline.StatusPending, "pending"},
		{pipeline.StatusSuccess, "success"},
		{pipeline.StatusFailure, "failed"},
		{pipeline.StatusError, "failed"},
	}
	api := gitlabtest.New(t)
	api.AllowTokens(token)
	r := newReporter(t, api, token)
	for _, tt := range tests {
		st := pipeline.CommitStatus{Context: "ofc/" + string(tt.state), State: tt.state,
			Description: "it is " + string(tt.state), TargetURL: "https://ofc.example.com/builds/7"}
		if err := r.Report(context.Background(), event, st); err != nil {
			t.Fatalf("Report(%s) = %v", tt.state, err)
		}
		got := gitlabtest.Latest(api.Statuses(commit))[st.Context]
		if got.State != tt.want || got.Project != "group/sub/repo" || got.SHA != commit || got.Ref != "main" ||
			got.Token != token || got.Description != st.Description || got.TargetURL != st.TargetURL {
			t.Errorf("%s reported as %+v, want %s on group/sub/repo@%s, ref main, with the token", tt.state, got, tt.want, commit)
		}
	}
}

// The runner reports a function pending when queued and again when it
// starts; GitLab refuses pending twice, so the second shows it running,
// and the build still ends in success.
func TestReportPendingTwiceThenSuccess(t *testing.T) {
	api := gitlabtest.New(t)
	r := newReporter(t, api, token)
	ctx := context.Background()
	for _, st := range []pipeline.CommitStatus{
		{Context: "ofc/api", State: pipeline.StatusPending, Description: "queued"},
		{Context: "ofc/api", State: pipeline.StatusPending, Description: "building registry/api:abc"},
		{Context: "ofc/api", State: pipeline.StatusPending, Description: "still building"},
		{Context: "ofc/api", State: pipeline.StatusSuccess, Description: "deployed api"},
	} {
		if err := r.Report(ctx, event, st); err != nil {
			t.Fatalf("Report(%s %q) = %v", st.State, st.Description, err)
		}
	}
	var got []string
	for _, st := range api.Statuses(commit) {
		got = append(got, st.State+": "+st.Description)
	}
	if want := "pending: queued, running: building registry/api:abc, success: deployed api"; strings.Join(got, ", ") != want {
		t.Errorf("GitLab took %q, want %q", strings.Join(got, ", "), want)
	}
}

// Without a branch GitLab picks the pipeline; with one the status joins
// the branch's.
func TestReportRefIsTheBranch(t *testing.T) {
	api := gitlabtest.New(t)
	r := newReporter(t, api, token)
	ev := event
	ev.Branch = "feature/x"
	noBranch := event
	noBranch.Branch = ""
	for _, e := range []pipeline.Event{ev, noBranch} {
		if err := r.Report(context.Background(), e, pipeline.CommitStatus{Context: "ofc", State: pipeline.StatusSuccess}); err != nil {
			t.Fatal(err)
		}
	}
	got := api.Statuses(commit)
	if len(got) != 2 || got[0].Ref != "feature/x" || got[1].Ref != "" {
		t.Errorf("refs sent: %+v, want feature/x then none", got)
	}
}

func TestReportProjectPaths(t *testing.T) {
	api := gitlabtest.New(t)
	r := newReporter(t, api, token)
	for _, repo := range []pipeline.Repo{
		{Provider: pipeline.GitLab, Owner: "solo", Name: "repo"},
		{Provider: pipeline.GitLab, Owner: "a/b/c", Name: "my.repo"},
		{Provider: pipeline.GitLab, Owner: "Group", Name: "Repo-1_x"},
	} {
		ev := event
		ev.Repo = repo
		if err := r.Report(context.Background(), ev, pipeline.CommitStatus{Context: repo.FullName(), State: pipeline.StatusSuccess}); err != nil {
			t.Errorf("%s: %v", repo.FullName(), err)
			continue
		}
		if got := gitlabtest.Latest(api.Statuses(commit))[repo.FullName()]; got.Project != repo.FullName() {
			t.Errorf("%s: recorded on %q", repo.FullName(), got.Project)
		}
	}
}

func TestReportBaseURLs(t *testing.T) {
	api := gitlabtest.New(t)
	host := strings.TrimSuffix(api.URL(), "/api/v4")
	for _, base := range []string{api.URL(), api.URL() + "/", host, host + "/"} {
		r, err := status.New(status.Config{BaseURL: base, Token: status.StaticToken(token), HTTPClient: &http.Client{}})
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
	api := gitlabtest.New(t)
	r := newReporter(t, api, token)
	long := "build failed: " + strings.Repeat("ünïcödé ", 60)
	err := r.Report(context.Background(), event, pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusFailure, Description: long})
	if err != nil {
		t.Fatalf("Report() = %v", err)
	}
	got := api.Statuses(commit)
	if len(got) != 1 {
		t.Fatalf("recorded %d statuses, want 1", len(got))
	}
	d := got[0].Description
	if n := utf8.RuneCountInString(d); n > status.MaxDescription || n < status.MaxDescription-10 || !utf8.ValidString(d) {
		t.Errorf("description has %d characters (valid UTF-8: %v), want close to %d", n, utf8.ValidString(d), status.MaxDescription)
	}
	if !strings.HasSuffix(d, "…") || !strings.HasPrefix(d, "build failed: ünïcödé") {
		t.Errorf("description = %q, want the start of the message ending in …", d)
	}
}

func TestReportDropsATooLongLink(t *testing.T) {
	api := gitlabtest.New(t)
	r := newReporter(t, api, token)
	st := pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusSuccess, TargetURL: "https://ofc.example.com/" + strings.Repeat("x", 300)}
	if err := r.Report(context.Background(), event, st); err != nil {
		t.Fatalf("Report() = %v", err)
	}
	if got := api.Statuses(commit); len(got) != 1 || got[0].TargetURL != "" {
		t.Errorf("recorded %+v, want the status without its link", got)
	}
}

func TestReportErrors(t *testing.T) {
	ok := pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending}
	notSHA := event
	notSHA.Commit = "main"
	tests := []struct {
		name      string
		setup     func(*gitlabtest.Server)
		ev        pipeline.Event
		st        pipeline.CommitStatus
		code      int
		transient bool
	}{
		{"bad gateway", func(s *gitlabtest.Server) { s.FailWith(http.StatusBadGateway) }, event, ok, 502, true},
		{"unavailable", func(s *gitlabtest.Server) { s.FailWith(http.StatusServiceUnavailable) }, event, ok, 503, true},
		{"rate limited", func(s *gitlabtest.Server) { s.FailWith(http.StatusTooManyRequests) }, event, ok, 429, true},
		{"stopped", func(s *gitlabtest.Server) { s.Close() }, event, ok, 0, true},
		{"revoked token", func(s *gitlabtest.Server) { s.AllowTokens("another") }, event, ok, 401, false},
		{"forbidden", func(s *gitlabtest.Server) { s.FailWith(http.StatusForbidden) }, event, ok, 403, false},
		{"no such commit", nil, notSHA, ok, 404, false},
		{"link refused", nil, event, pipeline.CommitStatus{Context: "c", State: pipeline.StatusSuccess, TargetURL: "ftp://x/y"}, 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := gitlabtest.New(t)
			r := newReporter(t, api, token)
			if tt.setup != nil {
				tt.setup(api)
			}
			err := r.Report(context.Background(), tt.ev, tt.st)
			if err == nil {
				t.Fatal("Report() succeeded")
			}
			if pipeline.IsTransient(err) != tt.transient {
				t.Errorf("Report() = %v, transient %v, want %v", err, pipeline.IsTransient(err), tt.transient)
			}
			if !strings.HasPrefix(err.Error(), "set status "+tt.st.Context+" on group/sub/repo@") {
				t.Errorf("error %q does not name the status, project and commit", err)
			}
			var e *gl.ErrorResponse
			switch {
			case tt.code == 404 && !errors.Is(err, gl.ErrNotFound):
				t.Errorf("error %v does not carry GitLab's 404", err)
			case tt.code != 0 && tt.code != 404 && (!errors.As(err, &e) || !e.HasStatusCode(tt.code)):
				t.Errorf("error %v does not carry GitLab's %d", err, tt.code)
			}
		})
	}
}

func TestReportCancelledIsNotTransient(t *testing.T) {
	api := gitlabtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newReporter(t, api, token).Report(ctx, event, pipeline.CommitStatus{Context: "c", State: pipeline.StatusPending})
	if err == nil || pipeline.IsTransient(err) {
		t.Errorf("Report() with a cancelled context = %v, want a permanent error", err)
	}
}

func TestReportRefusesBeforeCalling(t *testing.T) {
	github, noProvider, noCommit, noOwner := event, event, event, event
	github.Repo.Provider = pipeline.GitHub
	noProvider.Repo.Provider = ""
	noCommit.Commit = ""
	noOwner.Repo.Owner = ""
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
		{"token source gives nothing", emptyToken{}, event, ok},
		{"a GitHub event", status.StaticToken(token), github, ok},
		{"no provider", status.StaticToken(token), noProvider, ok},
		{"no commit", status.StaticToken(token), noCommit, ok},
		{"no owner", status.StaticToken(token), noOwner, ok},
	}
	api := gitlabtest.New(t)
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
	return "", errors.New("token expired")
}

type emptyToken struct{}

func (emptyToken) Token(context.Context, pipeline.Event) (string, error) { return "", nil }

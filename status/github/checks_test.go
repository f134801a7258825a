package github_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/ofcbuild/ofc/pipeline"
	status "github.com/ofcbuild/ofc/status/github"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

const (
	installToken = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
	buildURL     = "https://ofc.example.com/builds/7"
)

// countingTransport counts the API calls a reporter makes.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func newChecks(t *testing.T, api *githubtest.Server, tok string, calls *countingTransport) *status.Checks {
	t.Helper()
	cfg := status.Config{BaseURL: api.URL(), Token: status.StaticToken(tok)}
	if calls != nil {
		cfg.HTTPClient = &http.Client{Transport: calls}
	}
	c, err := status.NewChecks(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func report(t *testing.T, r pipeline.Reporter, ev pipeline.Event, sts ...pipeline.CommitStatus) {
	t.Helper()
	for _, st := range sts {
		if err := r.Report(context.Background(), ev, st); err != nil {
			t.Fatalf("Report(%s %s) = %v", st.Context, st.State, err)
		}
	}
}

func TestChecksPendingThenSuccessMakesOneRunPerFunction(t *testing.T) {
	api := githubtest.New(t)
	api.AllowTokens(installToken)
	calls := &countingTransport{}
	c := newChecks(t, api, installToken, calls)
	report(t, c, event,
		pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending, Description: "building api", TargetURL: buildURL},
		pipeline.CommitStatus{Context: "ofc/worker", State: pipeline.StatusPending, Description: "building worker", TargetURL: buildURL},
		pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusSuccess, Description: "deployed owner-repo-api", TargetURL: buildURL},
		pipeline.CommitStatus{Context: "ofc/worker", State: pipeline.StatusSuccess, Description: "deployed owner-repo-worker", TargetURL: buildURL},
	)

	runs := api.CheckRuns(commit)
	if len(runs) != 2 {
		t.Fatalf("the commit has %d check runs, want one per function: %+v", len(runs), runs)
	}
	for i, name := range []string{"ofc/api", "ofc/worker"} {
		r := runs[i]
		fn := strings.TrimPrefix(name, "ofc/")
		if r.Name != name || r.Owner != "owner" || r.Repo != "repo" || r.Token != installToken || r.Updates != 1 {
			t.Errorf("run %d = %+v, want %s on owner/repo, created then updated once", i, r, name)
		}
		if r.Status != "completed" || r.Conclusion != "success" || r.StartedAt.IsZero() || r.CompletedAt.IsZero() {
			t.Errorf("%s ended %s/%s (started %v, completed %v), want completed/success", name, r.Status, r.Conclusion, r.StartedAt, r.CompletedAt)
		}
		if r.Title != "deployed owner-repo-"+fn || r.DetailsURL != buildURL || r.Text != "" {
			t.Errorf("%s shows title %q, details %q, text %q", name, r.Title, r.DetailsURL, r.Text)
		}
		if want := "deployed owner-repo-" + fn + "\n\n[Build log](" + buildURL + ")"; r.Summary != want {
			t.Errorf("%s summary = %q, want %q", name, r.Summary, want)
		}
	}
	// Per run: a listing and a creation, then one update from the cache.
	if n := calls.n.Load(); n != 6 {
		t.Errorf("made %d API calls, want 6", n)
	}
}

func TestChecksFailureAndErrorFail(t *testing.T) {
	api := githubtest.New(t)
	c := newChecks(t, api, installToken, nil)
	report(t, c, event,
		pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending, Description: "building api"},
		pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusFailure, Description: "build failed: go: missing go.sum entry"},
		pipeline.CommitStatus{Context: "ofc/worker", State: pipeline.StatusError, Description: "registry unreachable"},
	)
	runs := api.CheckRuns(commit)
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2: %+v", len(runs), runs)
	}
	for _, r := range runs {
		if r.Status != "completed" || r.Conclusion != "failure" {
			t.Errorf("%s ended %s/%s, want completed/failure", r.Name, r.Status, r.Conclusion)
		}
	}
	if r := runs[0]; r.Title != "build failed: go: missing go.sum entry" || r.Summary != r.Title || r.DetailsURL != "" {
		t.Errorf("failed run shows %+v, want the description as title and summary, and no link", r)
	}
	if runs[1].Summary != "registry unreachable" {
		t.Errorf("errored run's summary = %q", runs[1].Summary)
	}
}

// A builder that restarts, or another replica, finds the run by listing
// and updates it rather than adding a second.
func TestChecksUpdateTheRunAcrossInstances(t *testing.T) {
	api := githubtest.New(t)
	pending := pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending, Description: "building api"}
	report(t, newChecks(t, api, installToken, nil), event, pending)
	report(t, newChecks(t, api, installToken, nil), event, pending)
	report(t, newChecks(t, api, installToken, nil), event,
		pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusSuccess, Description: "deployed"})
	runs := api.CheckRuns(commit)
	if len(runs) != 1 || runs[0].Updates != 2 || runs[0].Conclusion != "success" {
		t.Errorf("runs = %+v, want one run updated twice to success", runs)
	}
	other := event
	other.Commit = strings.Repeat("f", 40)
	report(t, newChecks(t, api, installToken, nil), other, pending)
	if n := len(api.CheckRuns(other.Commit)); n != 1 {
		t.Errorf("another commit has %d runs, want its own", n)
	}
}

func TestChecksKeepTheTailOfALongDescription(t *testing.T) {
	api := githubtest.New(t)
	c := newChecks(t, api, installToken, nil)
	for _, unit := range []string{"x", "é", "日本"} {
		long := "the start " + strings.Repeat(unit, 70000/utf8.RuneCountInString(unit)) + " the end: exit status 1"
		report(t, c, event, pipeline.CommitStatus{Context: "ofc/" + unit, State: pipeline.StatusFailure, Description: long, TargetURL: buildURL})
	}
	runs := api.CheckRuns(commit)
	if len(runs) != 3 {
		t.Fatalf("%d runs, want 3", len(runs))
	}
	for _, r := range runs {
		if len(r.Summary) > status.MaxCheckOutput || !utf8.ValidString(r.Summary) {
			t.Errorf("%s: summary of %d bytes (valid UTF-8: %v), want at most %d", r.Name, len(r.Summary), utf8.ValidString(r.Summary), status.MaxCheckOutput)
		}
		if !strings.HasSuffix(r.Summary, " the end: exit status 1\n\n[Build log]("+buildURL+")") || !strings.HasPrefix(r.Summary, "…") {
			t.Errorf("%s: summary starts %q and ends %q, want the start cut and the end kept", r.Name, r.Summary[:12], r.Summary[len(r.Summary)-60:])
		}
		if n := utf8.RuneCountInString(r.Title); n > status.MaxCheckTitle || !strings.HasPrefix(r.Title, "the start") {
			t.Errorf("%s: title of %d characters starting %q", r.Name, n, r.Title[:12])
		}
	}
}

func TestChecksErrors(t *testing.T) {
	api := githubtest.New(t)
	api.AllowTokens(installToken)
	st := pipeline.CommitStatus{Context: "ofc/api", State: pipeline.StatusPending}
	err := newChecks(t, api, "ghp_revoked", nil).Report(context.Background(), event, st)
	if err == nil || pipeline.IsTransient(err) || !strings.Contains(err.Error(), "Bad credentials") ||
		!strings.HasPrefix(err.Error(), "set check run ofc/api on owner/repo@abc1234: ") {
		t.Errorf("a bad token gave %v, want a permanent error naming the run and GitHub's message", err)
	}

	api.FailWith(http.StatusBadGateway)
	if err := newChecks(t, api, installToken, nil).Report(context.Background(), event, st); !pipeline.IsTransient(err) {
		t.Errorf("a 502 gave %v, want a transient error", err)
	}
	api.FailWith(0)

	c := newChecks(t, api, installToken, nil)
	report(t, c, event, st)
	api.FailWith(http.StatusBadGateway)
	if err := c.Report(context.Background(), event, st); !pipeline.IsTransient(err) {
		t.Errorf("a 502 on update gave %v, want a transient error", err)
	}

	gitlab := event
	gitlab.Repo.Provider = pipeline.GitLab
	for name, tt := range map[string]struct {
		ev pipeline.Event
		st pipeline.CommitStatus
	}{
		"no context":    {event, pipeline.CommitStatus{State: pipeline.StatusPending}},
		"unknown state": {event, pipeline.CommitStatus{Context: "ofc/api", State: "done"}},
		"GitLab event":  {gitlab, st},
	} {
		if err := c.Report(context.Background(), tt.ev, tt.st); err == nil || pipeline.IsTransient(err) {
			t.Errorf("%s: Report() = %v, want a permanent error", name, err)
		}
	}
	if _, err := status.NewChecks(status.Config{}); err == nil {
		t.Error("NewChecks() without a token source succeeded")
	}
}

func TestChecksUpsertComment(t *testing.T) {
	api := githubtest.New(t)
	var c pipeline.Commenter = newChecks(t, api, installToken, nil)
	ev := event
	ev.PullRequest = 3
	for _, body := range []string{pipeline.CommentMarker + "\none", pipeline.CommentMarker + "\ntwo"} {
		if err := c.UpsertComment(context.Background(), ev, body); err != nil {
			t.Fatal(err)
		}
	}
	if got := api.Comments("owner", "repo", 3); len(got) != 1 || !strings.HasSuffix(got[0].Body, "two") {
		t.Errorf("comments = %+v, want one, edited", got)
	}
}

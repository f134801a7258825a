// Package github reports builds on GitHub (github.com or GitHub Enterprise
// Server): commit statuses (Reporter) or, in App mode, check runs
// (Checks), and the one pull request comment listing the previews.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
)

// TokenSource gives the token to call the GitHub API with for an event's
// repository: a personal access token, or the installation token of the
// GitHub App the event came through (ev.InstallationID). An error means no
// call can be made. Safe for concurrent use.
type TokenSource interface {
	Token(ctx context.Context, ev pipeline.Event) (string, error)
}

// StaticToken is one token for every repository, such as a personal
// access token with the repo:status scope.
type StaticToken string

// Token returns the token itself; an empty StaticToken is an error.
func (s StaticToken) Token(context.Context, pipeline.Event) (string, error) {
	if s == "" {
		return "", errors.New("no GitHub token configured")
	}
	return string(s), nil
}

// Config configures a Reporter.
type Config struct {
	// BaseURL is the API's base URL: empty for https://api.github.com/, or a
	// GitHub Enterprise Server's URL, to which /api/v3/ is added unless it
	// ends with it (or its host starts with "api.").
	BaseURL string
	// Token authenticates each call. Required.
	Token TokenSource
	// HTTPClient makes the calls; nil uses a client of its own. Calls are
	// bounded by the context given to Report.
	HTTPClient *http.Client
}

// Reporter sets commit statuses through GitHub's REST API. It implements
// pipeline.Reporter and is safe for concurrent use.
type Reporter struct {
	client *gh.Client
	token  TokenSource
}

var _ pipeline.Reporter = (*Reporter)(nil)

// New returns a Reporter for cfg.
func New(cfg Config) (*Reporter, error) {
	if cfg.Token == nil {
		return nil, errors.New("github status: no token source configured")
	}
	client := gh.NewClient(cfg.HTTPClient)
	if cfg.BaseURL != "" {
		var err error
		if client, err = client.WithEnterpriseURLs(cfg.BaseURL, cfg.BaseURL); err != nil {
			return nil, fmt.Errorf("github status: base URL %q: %w", cfg.BaseURL, err)
		}
	}
	return &Reporter{client: client, token: cfg.Token}, nil
}

// Report sets st on the commit of ev. Errors that may pass by themselves
// (the API unreachable, a 5xx, a rate limit) are marked pipeline.Transient.
func (r *Reporter) Report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	if err := r.report(ctx, ev, st); err != nil {
		return fmt.Errorf("set status %s on %s@%s: %w", st.Context, ev.Repo.FullName(), ev.ShortCommit(), err)
	}
	return nil
}

func (r *Reporter) report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	if ev.Repo.Provider != "" && ev.Repo.Provider != pipeline.GitHub {
		return fmt.Errorf("repository is on %s, not GitHub", ev.Repo.Provider)
	}
	if ev.Repo.Owner == "" || ev.Repo.Name == "" || ev.Commit == "" {
		return errors.New("event names no repository or commit")
	}
	state, err := stateOf(st.State)
	if err != nil {
		return err
	}
	token, err := r.token.Token(ctx, ev)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if token == "" {
		return errors.New("token: empty token")
	}
	status := &gh.RepoStatus{State: &state}
	if st.Context != "" {
		status.Context = gh.String(st.Context)
	}
	if d := Truncate(st.Description); d != "" {
		status.Description = &d
	}
	if st.TargetURL != "" {
		status.TargetURL = gh.String(st.TargetURL)
	}
	// A client per token: rate limits are per token, and the client stops
	// calling once it has seen one run out.
	_, resp, err := r.client.WithAuthToken(token).Repositories.CreateStatus(ctx, ev.Repo.Owner, ev.Repo.Name, ev.Commit, status)
	if err != nil {
		if transient(resp, err) {
			return pipeline.Transient(err)
		}
		return err
	}
	return nil
}

func stateOf(s pipeline.StatusState) (string, error) {
	switch s {
	case pipeline.StatusPending, pipeline.StatusSuccess, pipeline.StatusFailure, pipeline.StatusError:
		return string(s), nil
	case pipeline.StatusCancelled:
		// Commit statuses have no such state; "error" keeps the commit
		// from looking green, and the description says why.
		return string(pipeline.StatusError), nil
	}
	return "", fmt.Errorf("unknown status state %q", s)
}

func transient(resp *gh.Response, err error) bool {
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &abuse) {
		return true
	}
	if resp == nil || resp.Response == nil {
		// No answer at all: the network or the API is down. A cancelled
		// context is the caller's doing, not worth a retry.
		return !errors.Is(err, context.Canceled)
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
}

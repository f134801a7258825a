// Package gitlab sets commit statuses and keeps the preview note of merge
// requests on GitLab (gitlab.com or a self-managed instance) for the
// builds of pushed commits.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// DefaultBaseURL is the API of gitlab.com.
const DefaultBaseURL = "https://gitlab.com/api/v4"

// TokenSource gives the token to call the GitLab API with for an event's
// project: a personal, group or project access token, or an OAuth token.
// An error means no call can be made. Safe for concurrent use.
type TokenSource interface {
	Token(ctx context.Context, ev pipeline.Event) (string, error)
}

// StaticToken is one token for every project, such as a project access
// token with the api scope and the Developer role.
type StaticToken string

// Token returns the token itself; an empty StaticToken is an error.
func (s StaticToken) Token(context.Context, pipeline.Event) (string, error) {
	if s == "" {
		return "", errors.New("no GitLab token configured")
	}
	return string(s), nil
}

// Config configures a Reporter.
type Config struct {
	// BaseURL is the API's base URL: empty for DefaultBaseURL, or a
	// self-managed instance's URL, to which /api/v4 is added unless it
	// ends with it.
	BaseURL string
	// Token authenticates each call. Required.
	Token TokenSource
	// HTTPClient makes the calls; nil uses a client of its own. Calls are
	// bounded by the context given to each method.
	HTTPClient *http.Client
}

// Reporter sets commit statuses and merge request notes through GitLab's
// REST API. It implements pipeline.Reporter and pipeline.Commenter and is
// safe for concurrent use.
type Reporter struct {
	client *gl.Client
	token  TokenSource
}

var _ pipeline.Reporter = (*Reporter)(nil)

// New returns a Reporter for cfg.
func New(cfg Config) (*Reporter, error) {
	if cfg.Token == nil {
		return nil, errors.New("gitlab status: no token source configured")
	}
	client, err := newClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("gitlab status: %w", err)
	}
	return &Reporter{client: client, token: cfg.Token}, nil
}

// Report sets st on the commit of ev, attached to ev.Branch's pipeline when
// the event names a branch. Errors that may pass by themselves (the API
// unreachable, a 5xx, a rate limit) are marked pipeline.Transient.
func (r *Reporter) Report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	if err := r.report(ctx, ev, st); err != nil {
		return fmt.Errorf("set status %s on %s@%s: %w", st.Context, ev.Repo.FullName(), ev.ShortCommit(), err)
	}
	return nil
}

func (r *Reporter) report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	if err := checkRepo(ev); err != nil {
		return err
	}
	if ev.Commit == "" {
		return errors.New("event names no commit")
	}
	state, err := stateOf(st.State)
	if err != nil {
		return err
	}
	ctx, err = r.authorise(ctx, ev)
	if err != nil {
		return err
	}
	opt := &gl.SetCommitStatusOptions{State: state}
	if st.Context != "" {
		opt.Name = gl.Ptr(st.Context)
	}
	if d := Truncate(st.Description); d != "" {
		opt.Description = &d
	}
	// GitLab refuses a target URL over its limit; the status matters more
	// than its link.
	if st.TargetURL != "" && len(st.TargetURL) <= maxTargetURL {
		opt.TargetURL = gl.Ptr(st.TargetURL)
	}
	if ev.Branch != "" {
		opt.Ref = gl.Ptr(ev.Branch)
	}
	err = r.setStatus(ctx, ev, opt)
	if state == gl.Pending && isTransition(err, "enqueue", "pending") {
		// GitLab keeps one open status per name and cannot move it from
		// pending to pending: a second pending (queued, then building)
		// is the work starting, which GitLab calls running.
		opt.State = gl.Running
		err = r.setStatus(ctx, ev, opt)
	}
	if state == gl.Pending && isTransition(err, "enqueue", "running") {
		// Already running: the commit shows the work in progress.
		return nil
	}
	return err
}

func (r *Reporter) setStatus(ctx context.Context, ev pipeline.Event, opt *gl.SetCommitStatusOptions) error {
	_, resp, err := r.client.Commits.SetCommitStatus(ev.Repo.FullName(), ev.Commit, opt, gl.WithContext(ctx))
	return classify(resp, err)
}

// stateOf maps a pipeline state onto GitLab's, which has no "error": a
// build that could not run failed as far as the merge request cares.
func stateOf(s pipeline.StatusState) (gl.BuildStateValue, error) {
	switch s {
	case pipeline.StatusPending:
		return gl.Pending, nil
	case pipeline.StatusSuccess:
		return gl.Success, nil
	case pipeline.StatusFailure, pipeline.StatusError:
		return gl.Failed, nil
	case pipeline.StatusCancelled:
		return gl.Canceled, nil
	}
	return "", fmt.Errorf("unknown status state %q", s)
}

// checkRepo refuses events this Reporter cannot act on before any call.
func checkRepo(ev pipeline.Event) error {
	if ev.Repo.Provider != pipeline.GitLab {
		return fmt.Errorf("repository is on %q, not GitLab", ev.Repo.Provider)
	}
	if ev.Repo.Owner == "" || ev.Repo.Name == "" {
		return errors.New("event names no repository")
	}
	return nil
}

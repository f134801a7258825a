package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// newClient makes the one API client a Reporter shares between tokens: the
// token travels in each call's context (see tokenAuth).
//
// The client's own retries are off. They would retry a 5xx or 429 up to
// five times, sleeping between tries, inside a single Report: the runner
// already treats a failed report as worth no more than a log line, and the
// caller sees a Transient error to retry on its own terms.
func newClient(cfg Config) (*gl.Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	opts := []gl.ClientOptionFunc{gl.WithBaseURL(base), gl.WithoutRetries()}
	if cfg.HTTPClient != nil {
		opts = append(opts, gl.WithHTTPClient(cfg.HTTPClient))
	}
	client, err := gl.NewAuthSourceClient(tokenAuth{}, opts...)
	if err != nil {
		return nil, fmt.Errorf("base URL %q: %w", base, err)
	}
	return client, nil
}

type tokenKey struct{}

// tokenAuth authenticates a call with the token its context carries. It
// sends it as "Authorization: Bearer", which GitLab takes for personal,
// group and project access tokens as well as OAuth tokens.
type tokenAuth struct{}

func (tokenAuth) Init(context.Context, *gl.Client) error { return nil }

func (tokenAuth) Header(ctx context.Context) (string, string, error) {
	token, _ := ctx.Value(tokenKey{}).(string)
	if token == "" {
		return "", "", errors.New("no token for the call")
	}
	return "Authorization", "Bearer " + token, nil
}

// authorise returns ctx carrying the token for ev's project.
func (r *Reporter) authorise(ctx context.Context, ev pipeline.Event) (context.Context, error) {
	token, err := r.token.Token(ctx, ev)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if token == "" {
		return nil, errors.New("token: empty token")
	}
	return context.WithValue(ctx, tokenKey{}, token), nil
}

// classify returns err marked Transient when it may pass by itself, and
// says what a 404 usually means.
func classify(resp *gl.Response, err error) error {
	switch {
	case err == nil:
		return nil
	case transient(resp, err):
		return pipeline.Transient(err)
	case resp != nil && resp.StatusCode == http.StatusNotFound:
		// GitLab answers 404 for a project the token may not see, too.
		return fmt.Errorf("%w (no such project, commit or merge request, or the token cannot see it)", err)
	}
	return err
}

func transient(resp *gl.Response, err error) bool {
	if errors.Is(err, context.Canceled) {
		// The caller's doing, not worth a retry.
		return false
	}
	if resp == nil || resp.Response == nil {
		// No answer at all: the network or the API is down.
		var netErr net.Error
		return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
}

// isTransition reports whether err is GitLab refusing to move a commit
// status by event from state, as in "Cannot transition status via
// :enqueue from :pending".
func isTransition(err error, event, from string) bool {
	var e *gl.ErrorResponse
	return errors.As(err, &e) && e.HasStatusCode(http.StatusBadRequest) &&
		strings.Contains(e.Message, "Cannot transition status via :"+event+" from :"+from)
}

package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// DefaultAPIURL is the API of gitlab.com.
const DefaultAPIURL = "https://gitlab.com/api/v4"

// branchesPerPage is the most GitLab gives in one page: fewer calls, and
// fewer chances for the list to shift between them.
const branchesPerPage = 100

// BranchesConfig configures Branches.
type BranchesConfig struct {
	// BaseURL is the API's base URL: empty for DefaultAPIURL, or a
	// self-managed instance's URL, to which /api/v4 is added unless it
	// ends with it.
	BaseURL string
	// HTTPClient makes the calls; nil uses a client of its own. Calls are
	// bounded by the context given to Heads.
	HTTPClient *http.Client
}

// Branches reads the heads of a project's branches, for a reconciler that
// catches pushes whose webhook never arrived. It is safe for concurrent
// use.
type Branches struct {
	client *gl.Client
}

// NewBranches returns Branches for cfg. It checks the configuration and
// makes no request.
//
// The client's own retries are off: they would sleep through up to five
// tries inside one Heads, where the caller, seeing a Transient error,
// retries on its own terms.
func NewBranches(cfg BranchesConfig) (*Branches, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultAPIURL
	}
	opts := []gl.ClientOptionFunc{gl.WithBaseURL(base), gl.WithoutRetries()}
	if cfg.HTTPClient != nil {
		opts = append(opts, gl.WithHTTPClient(cfg.HTTPClient))
	}
	// The token travels with each call, so one client serves every
	// project whatever token it needs.
	client, err := gl.NewAuthSourceClient(gl.Unauthenticated{}, opts...)
	if err != nil {
		return nil, fmt.Errorf("gitlab branches: base URL %q: %w", base, err)
	}
	return &Branches{client: client}, nil
}

// Heads returns the head commit SHA of every branch of repo, by branch
// name; the project is repo.Owner (a user or a group, with its subgroups)
// and repo.Name. token is sent as a bearer token, which GitLab takes for
// personal, group and project access tokens as well as OAuth tokens; ""
// calls without one, which reads only public projects. Errors that may
// pass by themselves (the API unreachable, a 5xx, a rate limit) are
// marked pipeline.Transient; a project that does not exist, or that the
// token cannot see, is a plain error.
//
// The pages are read one after another, not as one snapshot: a branch
// created or deleted meanwhile can shift another out of the pages read, so
// a branch missing from one result is not proof that it is gone.
func (b *Branches) Heads(ctx context.Context, repo pipeline.Repo, token string) (map[string]string, error) {
	heads, err := b.heads(ctx, repo, token)
	if err != nil {
		return nil, fmt.Errorf("list branches of %s: %w", repo.FullName(), err)
	}
	return heads, nil
}

func (b *Branches) heads(ctx context.Context, repo pipeline.Repo, token string) (map[string]string, error) {
	if repo.Provider != "" && repo.Provider != pipeline.GitLab {
		return nil, fmt.Errorf("repository is on %s, not GitLab", repo.Provider)
	}
	if !validNamespace(repo.Owner) || !validSegment(repo.Name) {
		return nil, errors.New("repository has no valid namespace and name")
	}
	reqOpts := []gl.RequestOptionFunc{gl.WithContext(ctx)}
	if token != "" {
		reqOpts = append(reqOpts, gl.WithToken(gl.OAuthToken, token))
	}
	heads := make(map[string]string)
	opts := &gl.ListBranchesOptions{ListOptions: gl.ListOptions{PerPage: branchesPerPage, Page: 1}}
	for {
		// A string id is sent URL-encoded whole ("group%2Fsub%2Fname"),
		// as GitLab wants a project's full path.
		page, resp, err := b.client.Branches.ListBranches(repo.FullName(), opts, reqOpts...)
		if err != nil {
			return nil, branchesError(resp, err, opts.Page)
		}
		for _, br := range page {
			if br == nil || br.Name == "" || br.Commit == nil || br.Commit.ID == "" {
				return nil, fmt.Errorf("page %d: a branch without a name or head commit", opts.Page)
			}
			heads[br.Name] = br.Commit.ID
		}
		if resp.NextPage == 0 {
			return heads, nil
		}
		// A partial list would look like deleted branches to the caller,
		// so a next page that goes nowhere new is an error, not the end.
		if resp.NextPage <= opts.Page {
			return nil, fmt.Errorf("page %d links to page %d as the next one", opts.Page, resp.NextPage)
		}
		opts.Page = resp.NextPage
	}
}

// branchesError marks err Transient when it may pass by itself.
func branchesError(resp *gl.Response, err error, page int64) error {
	err = fmt.Errorf("page %d: %w", page, err)
	if apiTransient(resp, err) {
		return pipeline.Transient(err)
	}
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		// GitLab answers 404 for a project the token may not see, too.
		return fmt.Errorf("%w (no such project, or the token cannot see it)", err)
	}
	return err
}

// apiTransient tells a failed client-go call worth retrying: no answer at
// all or a truncated one, a 5xx or a 429. A cancelled context is the
// caller's doing; a 401 or 404 stays until someone acts.
func apiTransient(resp *gl.Response, err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	if resp == nil || resp.Response == nil {
		var netErr net.Error
		return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
}

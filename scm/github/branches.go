package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
)

// branchesPerPage is the most GitHub gives in one page: fewer calls, and
// fewer chances for the list to shift between them.
const branchesPerPage = 100

// BranchesConfig configures Branches.
type BranchesConfig struct {
	// BaseURL is the API's base URL: empty for DefaultAPIURL, or a GitHub
	// Enterprise Server's URL, to which /api/v3/ is added unless it ends
	// with it (or its host starts with "api."), as the status reporter
	// does.
	BaseURL string
	// HTTPClient makes the calls; nil uses a client of its own. Calls are
	// bounded by the context given to Heads.
	HTTPClient *http.Client
}

// Branches reads the heads of a repository's branches, for a reconciler
// that catches pushes whose webhook never arrived: GitHub does not
// redeliver a lost one. It is safe for concurrent use.
type Branches struct {
	client *gh.Client
}

// NewBranches returns Branches for cfg. It checks the configuration and
// makes no request.
func NewBranches(cfg BranchesConfig) (*Branches, error) {
	base, err := apiBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("github branches: %w", err)
	}
	client, err := gh.NewClient(cfg.HTTPClient).WithEnterpriseURLs(base, base)
	if err != nil {
		return nil, fmt.Errorf("github branches: base URL %q: %w", cfg.BaseURL, err)
	}
	return &Branches{client: client}, nil
}

// Heads returns the head commit SHA of every branch of repo, by branch
// name, calling with token ("" calls without one, which reads only public
// repositories). Errors that may pass by themselves (the API unreachable,
// a 5xx, a rate limit) are marked pipeline.Transient; a repository that
// does not exist, or that the token cannot see, is a plain error.
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
	if repo.Provider != "" && repo.Provider != pipeline.GitHub {
		return nil, fmt.Errorf("repository is on %s, not GitHub", repo.Provider)
	}
	if !pathSegment(repo.Owner) || !pathSegment(repo.Name) {
		return nil, errors.New("repository has no valid owner and name")
	}
	client := b.client
	if token != "" {
		// A client per token: rate limits are per token, and the client
		// stops calling once it has seen one run out.
		client = client.WithAuthToken(token)
	}
	heads := make(map[string]string)
	opts := &gh.BranchListOptions{ListOptions: gh.ListOptions{PerPage: branchesPerPage, Page: 1}}
	for {
		page, resp, err := client.Repositories.ListBranches(ctx, url.PathEscape(repo.Owner), url.PathEscape(repo.Name), opts)
		if err != nil {
			return nil, branchesError(resp, err, opts.Page)
		}
		for _, br := range page {
			sha := br.GetCommit().GetSHA()
			if br.GetName() == "" || sha == "" {
				return nil, fmt.Errorf("page %d: a branch without a name or head commit", opts.Page)
			}
			heads[br.GetName()] = sha
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
func branchesError(resp *gh.Response, err error, page int) error {
	err = fmt.Errorf("page %d: %w", page, err)
	if apiTransient(resp, err) {
		return pipeline.Transient(err)
	}
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		// GitHub answers 404 for a private repository the token cannot
		// see, too.
		return fmt.Errorf("%w (no such repository, or the token cannot see it)", err)
	}
	return err
}

// apiTransient tells a failed go-github call worth retrying: a rate limit,
// no answer at all or a truncated one, a 5xx or a 429. A cancelled context
// is the caller's doing; a 401 or 404 stays until someone acts.
func apiTransient(resp *gh.Response, err error) bool {
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &rl), errors.As(err, &abuse), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case resp == nil || resp.Response == nil:
		return true
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
}

// pathSegment reports whether s can stand as one segment of an API path:
// anything else would make the call name another resource.
func pathSegment(s string) bool {
	return s != "" && s != "." && s != ".."
}

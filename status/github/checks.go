package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
)

// maxCachedRuns bounds the run ids kept in memory; past it one is
// forgotten, which costs a listing call should it be reported on again.
const maxCachedRuns = 4096

// Checks reports through GitHub's Checks API: one check run per status
// context on the commit, moved from in progress to its conclusion. Check
// runs can only be written with a GitHub App's installation token, so its
// TokenSource must give those. It implements pipeline.Reporter and
// pipeline.Commenter and is safe for concurrent use.
type Checks struct {
	client   *gh.Client
	token    TokenSource
	comments *Reporter

	mu   sync.Mutex
	runs map[runKey]*runEntry
}

var (
	_ pipeline.Reporter  = (*Checks)(nil)
	_ pipeline.Commenter = (*Checks)(nil)
)

// runKey names one check run: a context on a commit of a repository.
type runKey struct{ repo, sha, name string }

// runEntry is a check run's id, 0 while unknown. Its lock is held for the
// whole of a report, so that two reports of one context cannot both find
// no run and create two.
type runEntry struct {
	mu sync.Mutex
	id int64
}

// NewChecks returns a Checks for cfg.
func NewChecks(cfg Config) (*Checks, error) {
	r, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &Checks{client: r.client, token: r.token, comments: r, runs: make(map[runKey]*runEntry)}, nil
}

// UpsertComment writes the pull request's preview comment, as
// Reporter.UpsertComment does.
func (c *Checks) UpsertComment(ctx context.Context, ev pipeline.Event, body string) error {
	return c.comments.UpsertComment(ctx, ev, body)
}

// Report sets the check run named st.Context on the commit of ev to st,
// creating the run the first time. Errors that may pass by themselves (the
// API unreachable, a 5xx, a rate limit) are marked pipeline.Transient.
func (c *Checks) Report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	if err := c.report(ctx, ev, st); err != nil {
		return fmt.Errorf("set check run %s on %s@%s: %w", st.Context, ev.Repo.FullName(), ev.ShortCommit(), err)
	}
	return nil
}

func (c *Checks) report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	if ev.Repo.Provider != "" && ev.Repo.Provider != pipeline.GitHub {
		return fmt.Errorf("repository is on %s, not GitHub", ev.Repo.Provider)
	}
	if ev.Repo.Owner == "" || ev.Repo.Name == "" || ev.Commit == "" {
		return errors.New("event names no repository or commit")
	}
	if st.Context == "" {
		return errors.New("status has no context to name the check run")
	}
	run, err := runOf(st, time.Now())
	if err != nil {
		return err
	}
	token, err := c.token.Token(ctx, ev)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if token == "" {
		return errors.New("token: empty token")
	}
	api := c.client.WithAuthToken(token).Checks

	entry := c.entry(runKey{repo: ev.Repo.FullName(), sha: ev.Commit, name: st.Context})
	entry.mu.Lock()
	defer entry.mu.Unlock()
	if entry.id != 0 {
		err := run.update(ctx, api, ev, entry.id)
		if !notFound(err) {
			return err
		}
		// The run is gone from under its cached id: find or make another.
		entry.id = 0
	}
	id, err := newestRun(ctx, api, ev, st.Context)
	if err != nil {
		return fmt.Errorf("find run: %w", err)
	}
	if id != 0 {
		if err := run.update(ctx, api, ev, id); err != nil {
			return err
		}
	} else if id, err = run.create(ctx, api, ev); err != nil {
		return err
	}
	entry.id = id
	return nil
}

// entry returns the cache entry of k, making it if need be.
func (c *Checks) entry(k runKey) *runEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.runs[k]; ok {
		return e
	}
	if len(c.runs) >= maxCachedRuns {
		for old := range c.runs {
			delete(c.runs, old)
			break
		}
	}
	e := &runEntry{}
	c.runs[k] = e
	return e
}

// checkRun is what a status becomes on a check run.
type checkRun struct {
	name, status, conclusion string
	at                       time.Time
	detailsURL               *string
	output                   *gh.CheckRunOutput
}

func runOf(st pipeline.CommitStatus, now time.Time) (checkRun, error) {
	run := checkRun{name: st.Context, at: now.UTC().Truncate(time.Second), output: &gh.CheckRunOutput{
		Title:   gh.String(checkTitle(st)),
		Summary: gh.String(checkSummary(st)),
	}}
	if st.TargetURL != "" {
		run.detailsURL = gh.String(st.TargetURL)
	}
	if st.Log != "" {
		// The end of the log, where a compiler puts what failed, fenced
		// so that GitHub shows it as it was written.
		const fence, end = "```text\n", "\n```"
		run.output.Text = gh.String(fence + KeepTail(st.Log, MaxCheckOutput-len(fence)-len(end)) + end)
	}
	switch st.State {
	case pipeline.StatusPending:
		run.status = "in_progress"
	case pipeline.StatusSuccess:
		run.status, run.conclusion = "completed", "success"
	case pipeline.StatusCancelled:
		run.status, run.conclusion = "completed", "cancelled"
	case pipeline.StatusFailure, pipeline.StatusError:
		// "error" is the service failing, not the code; GitHub's other
		// conclusions do not fit it ("cancelled" says someone stopped the
		// run, "timed_out" that it ran too long), and the commit must not
		// look green, so it fails and the description says why.
		run.status, run.conclusion = "completed", "failure"
	default:
		return checkRun{}, fmt.Errorf("unknown status state %q", st.State)
	}
	return run, nil
}

func (r checkRun) create(ctx context.Context, api *gh.ChecksService, ev pipeline.Event) (int64, error) {
	opts := gh.CreateCheckRunOptions{
		Name: r.name, HeadSHA: ev.Commit, Status: gh.String(r.status), DetailsURL: r.detailsURL,
		StartedAt: &gh.Timestamp{Time: r.at}, Output: r.output,
	}
	if r.conclusion != "" {
		opts.Conclusion, opts.CompletedAt = gh.String(r.conclusion), &gh.Timestamp{Time: r.at}
	}
	got, resp, err := api.CreateCheckRun(ctx, ev.Repo.Owner, ev.Repo.Name, opts)
	if err != nil {
		return 0, classify("create run", resp, err)
	}
	if got.GetID() == 0 {
		return 0, errors.New("create run: GitHub answered without the run's id")
	}
	return got.GetID(), nil
}

func (r checkRun) update(ctx context.Context, api *gh.ChecksService, ev pipeline.Event, id int64) error {
	opts := gh.UpdateCheckRunOptions{
		Name: r.name, Status: gh.String(r.status), DetailsURL: r.detailsURL, Output: r.output,
	}
	if r.conclusion != "" {
		opts.Conclusion, opts.CompletedAt = gh.String(r.conclusion), &gh.Timestamp{Time: r.at}
	}
	_, resp, err := api.UpdateCheckRun(ctx, ev.Repo.Owner, ev.Repo.Name, id, opts)
	if err != nil {
		return classify(fmt.Sprintf("update run %d", id), resp, err)
	}
	return nil
}

// newestRun returns the id of the newest run named name on the commit of
// ev, or 0. GitHub's default filter lists only the latest run of each
// name, so the first page holds it.
func newestRun(ctx context.Context, api *gh.ChecksService, ev pipeline.Event, name string) (int64, error) {
	res, resp, err := api.ListCheckRunsForRef(ctx, ev.Repo.Owner, ev.Repo.Name, ev.Commit, &gh.ListCheckRunsOptions{
		CheckName: gh.String(name), ListOptions: gh.ListOptions{PerPage: 100},
	})
	if err != nil {
		return 0, classify("list runs", resp, err)
	}
	var newest int64
	for _, run := range res.CheckRuns {
		// Ids grow with creation, whatever order the list comes in.
		if run.GetName() == name && run.GetID() > newest {
			newest = run.GetID()
		}
	}
	return newest, nil
}

// classify wraps err with what failed, marking it transient when a retry
// may succeed.
func classify(what string, resp *gh.Response, err error) error {
	err = fmt.Errorf("%s: %w", what, err)
	if transient(resp, err) {
		return pipeline.Transient(err)
	}
	return err
}

func notFound(err error) bool {
	var ghErr *gh.ErrorResponse
	return errors.As(err, &ghErr) && ghErr.Response != nil && ghErr.Response.StatusCode == http.StatusNotFound
}

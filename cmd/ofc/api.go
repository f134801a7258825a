package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/ofcbuild/ofc/pipeline"
)

// logPage is one page of GET /api/builds/{id}/logs.
type logPage struct {
	BuildID int64              `json:"build_id"`
	Lines   []pipeline.LogLine `json:"lines"`
	// Complete says the build has ended and no line follows these.
	Complete bool `json:"complete"`
	// LogRemoved says the retention policy removed the log, when and why.
	LogRemoved string `json:"log_removed"`
}

// logPageSize is the lines asked for per page; a shorter page is the last.
const logPageSize = 1000

// buildsQuery selects the builds GET /api/builds lists.
type buildsQuery struct {
	Owner, Repo string
	// Provider keeps one forge's builds, "" all of them.
	Provider string
	// Limit is how many, 0 for the server's default.
	Limit int
}

// builds lists a repository's latest builds, newest first.
func (c *client) builds(ctx context.Context, bq buildsQuery) ([]pipeline.Build, error) {
	owner, repo := bq.Owner, bq.Repo
	q := url.Values{"owner": {owner}, "repo": {repo}}
	if bq.Provider != "" {
		q.Set("provider", bq.Provider)
	}
	if bq.Limit > 0 {
		q.Set("limit", strconv.Itoa(bq.Limit))
	}
	var out struct {
		Builds []pipeline.Build `json:"builds"`
	}
	if err := c.getJSON(ctx, "/api/builds", q, &out); err != nil {
		return nil, fmt.Errorf("list builds of %s/%s: %w", owner, repo, err)
	}
	return out.Builds, nil
}

// repos lists the repositories the service has built, with their latest
// build (a zero one, ID 0, when the server sends null). A server without
// this endpoint answers an *APIError with 404.
func (c *client) repos(ctx context.Context) ([]pipeline.RepoSummary, error) {
	var out struct {
		Repos []pipeline.RepoSummary `json:"repos"`
	}
	if err := c.getJSON(ctx, "/api/repos", nil, &out); err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	return out.Repos, nil
}

// logs reads one page of build id's log: the lines after seq after, of
// one stream (see logQuery) or of all of them.
func (c *client) logs(ctx context.Context, id int64, function *string, after int64) (logPage, error) {
	q := logQuery(function, after)
	q.Set("limit", strconv.Itoa(logPageSize))
	var page logPage
	if err := c.getJSON(ctx, logsPath(id), q, &page); err != nil {
		return page, fmt.Errorf("read the log of build %d: %w", id, err)
	}
	return page, nil
}

func logsPath(id int64) string { return "/api/builds/" + strconv.FormatInt(id, 10) + "/logs" }

// logQuery is the query both reads of a log share: function nil reads
// every stream, "" the build's own (clone, stack file, cleanup), a name
// that function's.
func logQuery(function *string, after int64) url.Values {
	q := url.Values{}
	if function != nil {
		q.Set("function", *function)
	}
	if after > 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	return q
}

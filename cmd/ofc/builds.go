package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// summaryColumns head the cells of summaryCells; buildColumns those of
// buildCells.
func summaryColumns() []string { return []string{"ID", "STATE", "REF", "COMMIT", "AGE"} }
func buildColumns() []string   { return append(summaryColumns(), "TOOK", "MESSAGE") }

// runBuilds is "ofc builds [owner/repo]": a repository's latest builds, or
// without one every repository with its latest build.
func (a *app) runBuilds(ctx context.Context, args []string) error {
	fs := a.flags("builds", "[owner/repo]", "List a repository's latest builds, newest first; without one, every repository and its latest build.")
	var q buildsQuery
	fs.IntVar(&q.Limit, "limit", 0, "how many builds to list (default: the server's, 50)")
	fs.StringVar(&q.Provider, "provider", "", "only builds from this forge: github or gitlab")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usageErrorf("builds takes one repository, owner/repo; got %q", rest)
	}
	c, p, err := a.open()
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return a.listRepos(ctx, c, p)
	}
	if q.Owner, q.Repo, err = splitRepo(rest[0]); err != nil {
		return err
	}
	list, err := c.builds(ctx, q)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(a.stderr, "ofc: %s/%s has no builds\n", q.Owner, q.Repo)
		return nil
	}
	rows := make([][]cell, len(list))
	for i, b := range list {
		rows[i] = p.buildCells(b)
	}
	p.table(buildColumns(), rows)
	return nil
}

// listRepos prints every repository with its latest build. A server that
// does not list repositories answers 404, and a repository must be named.
func (a *app) listRepos(ctx context.Context, c *client, p *printer) error {
	list, err := c.repos(ctx)
	var api *APIError
	if errors.As(err, &api) && api.Status == http.StatusNotFound {
		return usageErrorf("the server at %s does not list repositories; name one: ofc builds owner/repo", c.base)
	}
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stderr, "ofc: no repository has been built yet")
		return nil
	}
	rows := make([][]cell, len(list))
	for i, r := range list {
		name := cell{clean(r.Repo.FullName()), bold}
		if r.LastBuild.ID == 0 {
			rows[i] = []cell{name, {text: "-"}, {text: "never built", style: dim}}
			continue
		}
		lb := r.LastBuild
		b := pipeline.Build{ID: lb.ID, Kind: lb.Kind, State: lb.State, Branch: lb.Branch, Commit: lb.Commit, CreatedAt: lb.CreatedAt}
		rows[i] = append([]cell{name}, p.summaryCells(b)...)
	}
	p.table(append([]string{"REPOSITORY"}, summaryColumns()...), rows)
	return nil
}

// splitRepo reads owner/repo, where the owner may be a GitLab group path
// (group/sub/repo): the last segment is the repository.
func splitRepo(s string) (owner, repo string, err error) {
	s = strings.TrimSuffix(strings.Trim(s, "/"), ".git")
	i := strings.LastIndexByte(s, '/')
	if i <= 0 || i == len(s)-1 {
		return "", "", usageErrorf("%q: want owner/repo, or group/subgroup/repo on GitLab", s)
	}
	return s[:i], s[i+1:], nil
}

// summaryCells say which build it is: id, state, ref, short commit, age.
func (p *printer) summaryCells(b pipeline.Build) []cell {
	return []cell{
		{text: strconv.FormatInt(b.ID, 10)},
		{text: string(b.State), style: stateStyle(b.State)},
		{text: clean(refOf(b))},
		{text: orDash(b.Commit[:min(7, len(b.Commit))]), style: dim},
		{text: ago(p.now(), b.CreatedAt), style: dim},
	}
}

// buildCells are summaryCells, how long the build took (or has been
// running), and the first line of its commit message.
func (p *printer) buildCells(b pipeline.Build) []cell {
	took := "-"
	if b.StartedAt != nil {
		end := p.now()
		if b.FinishedAt != nil {
			end = *b.FinishedAt
		}
		took = span(end.Sub(*b.StartedAt))
	}
	msg, _, _ := strings.Cut(b.Message, "\n")
	return append(p.summaryCells(b), cell{text: took}, cell{text: clip(clean(strings.TrimSpace(msg)), p.maxMessage)})
}

// refOf is what a build built: its branch, "#12" for a pull request, the
// tag for a tag, marked when the build only cleaned up.
func refOf(b pipeline.Build) string {
	ref := b.Branch
	switch {
	case b.PullRequest > 0:
		ref = "#" + strconv.Itoa(b.PullRequest)
	case b.Kind == pipeline.Tag && b.Tag != "":
		ref = b.Tag
	}
	if b.Kind == pipeline.Cleanup {
		ref += " (cleanup)"
	}
	return orDash(strings.TrimSpace(ref))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

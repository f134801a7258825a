package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
)

var _ pipeline.Commenter = (*Reporter)(nil)

// UpsertComment writes body as the pull request's preview comment: it
// edits the comment that starts with pipeline.CommentMarker, or creates it
// when there is none. Errors that may pass by themselves are marked
// pipeline.Transient.
func (r *Reporter) UpsertComment(ctx context.Context, ev pipeline.Event, body string) error {
	if err := r.upsertComment(ctx, ev, body); err != nil {
		return fmt.Errorf("comment on %s#%d: %w", ev.Repo.FullName(), ev.PullRequest, err)
	}
	return nil
}

func (r *Reporter) upsertComment(ctx context.Context, ev pipeline.Event, body string) error {
	if ev.PullRequest <= 0 {
		return errors.New("event names no pull request")
	}
	token, err := r.token.Token(ctx, ev)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	issues := r.client.WithAuthToken(token).Issues
	id, err := findComment(ctx, issues, ev)
	if err != nil {
		return err
	}
	var resp *gh.Response
	if id != 0 {
		_, resp, err = issues.EditComment(ctx, ev.Repo.Owner, ev.Repo.Name, id, &gh.IssueComment{Body: &body})
	} else {
		_, resp, err = issues.CreateComment(ctx, ev.Repo.Owner, ev.Repo.Name, ev.PullRequest, &gh.IssueComment{Body: &body})
	}
	if err != nil && transient(resp, err) {
		return pipeline.Transient(err)
	}
	return err
}

// findComment returns the id of the pull request's preview comment, or 0.
func findComment(ctx context.Context, issues *gh.IssuesService, ev pipeline.Event) (int64, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := issues.ListComments(ctx, ev.Repo.Owner, ev.Repo.Name, ev.PullRequest, opts)
		if err != nil {
			if transient(resp, err) {
				return 0, pipeline.Transient(err)
			}
			return 0, err
		}
		for _, c := range comments {
			if strings.HasPrefix(c.GetBody(), pipeline.CommentMarker) {
				return c.GetID(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opts.Page = resp.NextPage
	}
}

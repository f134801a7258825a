package main

import (
	"context"
	"fmt"

	"github.com/ofcbuild/ofc/pipeline"
)

// forgeReporter is what the builder needs of a forge's API: commit
// statuses and the pull or merge request comment.
type forgeReporter interface {
	pipeline.Reporter
	pipeline.Commenter
}

// forges sends each event's statuses and comments to the API of the forge
// it came from, and gives git that forge's token.
type forges struct {
	github, gitlab           forgeReporter
	githubToken, gitlabToken string
}

var (
	_ forgeReporter = forges{}
	_ interface {
		Token(context.Context, pipeline.Event) (string, error)
	} = forges{}
)

func (f forges) of(ev pipeline.Event) (forgeReporter, error) {
	switch ev.Repo.Provider {
	case pipeline.GitHub, "":
		return f.github, nil
	case pipeline.GitLab:
		if f.gitlab == nil {
			return nil, fmt.Errorf("no GitLab API configured for %s", ev.Repo.FullName())
		}
		return f.gitlab, nil
	}
	return nil, fmt.Errorf("unknown forge %q", ev.Repo.Provider)
}

// Report implements pipeline.Reporter.
func (f forges) Report(ctx context.Context, ev pipeline.Event, st pipeline.CommitStatus) error {
	r, err := f.of(ev)
	if err != nil {
		return err
	}
	return r.Report(ctx, ev, st)
}

// UpsertComment implements pipeline.Commenter.
func (f forges) UpsertComment(ctx context.Context, ev pipeline.Event, body string) error {
	r, err := f.of(ev)
	if err != nil {
		return err
	}
	return r.UpsertComment(ctx, ev, body)
}

// Token gives git the token of the event's forge; none clones without
// credentials, as public repositories allow.
func (f forges) Token(_ context.Context, ev pipeline.Event) (string, error) {
	if ev.Repo.Provider == pipeline.GitLab {
		return f.gitlabToken, nil
	}
	return f.githubToken, nil
}

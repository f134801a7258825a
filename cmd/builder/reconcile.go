package main

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
	scmgitlab "github.com/ofcbuild/ofc/scm/gitlab"
)

// reconcileSettings say when the reconciler compares the forges' branch
// heads with what was built.
type reconcileSettings struct {
	// ReconcileWindow is how far back a branch's last push makes it one
	// the reconciler looks at; 0 turns the reconciler off.
	ReconcileWindow time.Duration
	// ReconcileSpec is the schedule as written, ReconcileSchedule parsed.
	ReconcileSpec     string
	ReconcileSchedule cron.Schedule
}

func (c *config) readReconcileSettings(r *envconfig.Reader) error {
	c.ReconcileWindow = r.Duration("OFC_RECONCILE_WINDOW", 24*time.Hour)
	c.ReconcileSpec = r.String("OFC_RECONCILE_SCHEDULE", "@every 5m")
	sched, err := cron.ParseStandard(c.ReconcileSpec)
	if err != nil {
		return fmt.Errorf("OFC_RECONCILE_SCHEDULE=%q: not a cron schedule such as \"@every 5m\": %w", c.ReconcileSpec, err)
	}
	c.ReconcileSchedule = sched
	if c.ReconcileWindow < 0 {
		return fmt.Errorf("OFC_RECONCILE_WINDOW=%s: may not be negative", c.ReconcileWindow)
	}
	return nil
}

// headsReader reads a repository's branch heads with a token.
type headsReader interface {
	Heads(ctx context.Context, repo pipeline.Repo, token string) (map[string]string, error)
}

// branchHeads reads each repository's heads from its own forge, with the
// token its clones use (a GitHub App's installation token, or the
// configured one).
type branchHeads struct {
	github, gitlab headsReader
	tokens         tokenSource
}

func newBranchHeads(cfg config, tokens tokenSource) (branchHeads, error) {
	gh, err := scmgithub.NewBranches(scmgithub.BranchesConfig{BaseURL: cfg.GitHubAPIURL})
	if err != nil {
		return branchHeads{}, err
	}
	gl, err := scmgitlab.NewBranches(scmgitlab.BranchesConfig{BaseURL: cfg.GitLabAPIURL})
	if err != nil {
		return branchHeads{}, err
	}
	return branchHeads{github: gh, gitlab: gl, tokens: tokens}, nil
}

// Heads implements janitor.BranchHeads.
func (b branchHeads) Heads(ctx context.Context, ev pipeline.Event) (map[string]string, error) {
	token, err := b.tokens.Token(ctx, ev)
	if err != nil {
		return nil, pipeline.Transient(fmt.Errorf("token for %s: %w", ev.Repo.FullName(), err))
	}
	if ev.Repo.Provider == pipeline.GitLab {
		return b.gitlab.Heads(ctx, ev.Repo, token)
	}
	return b.github.Heads(ctx, ev.Repo, token)
}

package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
	statusgithub "github.com/ofcbuild/ofc/status/github"
)

// forgeReporter is what the builder needs of a forge's API: commit
// statuses and the pull or merge request comment.
type forgeReporter interface {
	pipeline.Reporter
	pipeline.Commenter
}

// tokenSource gives the token for an event's repository.
type tokenSource interface {
	Token(ctx context.Context, ev pipeline.Event) (string, error)
}

// staticToken is one token for every repository; empty clones without
// credentials, as public repositories allow.
type staticToken string

func (s staticToken) Token(context.Context, pipeline.Event) (string, error) { return string(s), nil }

// forges sends each event's statuses and comments to the API of the forge
// it came from, and gives git that forge's token.
type forges struct {
	github, gitlab           forgeReporter
	githubClone, gitlabClone tokenSource
}

var (
	_ forgeReporter = forges{}
	_ tokenSource   = forges{}
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

// Token gives git the token of the event's forge: a GitHub App's
// installation token, or the configured one.
func (f forges) Token(ctx context.Context, ev pipeline.Event) (string, error) {
	if ev.Repo.Provider == pipeline.GitLab {
		return f.gitlabClone.Token(ctx, ev)
	}
	return f.githubClone.Token(ctx, ev)
}

// githubForge sets up GitHub: with an App (OFC_GITHUB_APP_ID), every call
// and clone uses the installation's token and reports are check runs;
// otherwise the configured token sets commit statuses.
func githubForge(cfg config) (forges, error) {
	if cfg.GitHubAppID == 0 {
		r, err := statusgithub.New(statusgithub.Config{BaseURL: cfg.GitHubAPIURL, Token: statusgithub.StaticToken(cfg.GitHubToken)})
		return forges{github: r, githubClone: staticToken(cfg.GitHubToken)}, err
	}
	key, err := os.ReadFile(cfg.GitHubAppKeyFile)
	if err != nil {
		return forges{}, fmt.Errorf("GitHub App private key: %w", err)
	}
	app, err := scmgithub.NewAppTokens(scmgithub.AppConfig{AppID: int64(cfg.GitHubAppID), PrivateKey: key, BaseURL: cfg.GitHubAPIURL})
	if err != nil {
		return forges{}, err
	}
	checks, err := statusgithub.NewChecks(statusgithub.Config{BaseURL: cfg.GitHubAPIURL, Token: app})
	return forges{github: checks, githubClone: app}, err
}

// cloneHosts are the hosts the forges' repositories are cloned from, by
// their API's address: github.com for api.github.com, the host itself for
// GitHub Enterprise (https://host/api/v3/) and GitLab.
func cloneHosts(cfg config) map[pipeline.Provider]string {
	hosts := map[pipeline.Provider]string{}
	if u, err := url.Parse(cfg.GitHubAPIURL); err == nil && u.Hostname() != "" {
		h := u.Hostname()
		if strings.EqualFold(h, "api.github.com") {
			h = "github.com"
		}
		hosts[pipeline.GitHub] = h
	}
	if u, err := url.Parse(cfg.GitLabAPIURL); err == nil && u.Hostname() != "" {
		hosts[pipeline.GitLab] = u.Hostname()
	}
	return hosts
}

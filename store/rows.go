package store

import (
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// buildColumns are the columns of buildRow, for builds b joined to repos r.
const buildColumns = `b.id, b.delivery_id, b.branch, b.commit_sha, b.message, b.author,
	b.state, b.failed_step, b.error, b.created_at, b.started_at, b.finished_at,
	r.provider, r.owner, r.name AS repo_name, r.clone_url, r.html_url,
	r.default_branch, r.private`

// buildRow is one row of buildColumns.
type buildRow struct {
	ID            int64             `db:"id"`
	DeliveryID    string            `db:"delivery_id"`
	Branch        string            `db:"branch"`
	CommitSHA     string            `db:"commit_sha"`
	Message       string            `db:"message"`
	Author        string            `db:"author"`
	State         pipeline.State    `db:"state"`
	FailedStep    pipeline.Step     `db:"failed_step"`
	Error         string            `db:"error"`
	CreatedAt     time.Time         `db:"created_at"`
	StartedAt     *time.Time        `db:"started_at"`
	FinishedAt    *time.Time        `db:"finished_at"`
	Provider      pipeline.Provider `db:"provider"`
	Owner         string            `db:"owner"`
	RepoName      string            `db:"repo_name"`
	CloneURL      string            `db:"clone_url"`
	HTMLURL       string            `db:"html_url"`
	DefaultBranch string            `db:"default_branch"`
	Private       bool              `db:"private"`
}

func (r buildRow) build() pipeline.Build {
	return pipeline.Build{
		ID: r.ID,
		Repo: pipeline.Repo{
			Provider:      r.Provider,
			Owner:         r.Owner,
			Name:          r.RepoName,
			CloneURL:      r.CloneURL,
			HTMLURL:       r.HTMLURL,
			DefaultBranch: r.DefaultBranch,
			Private:       r.Private,
		},
		DeliveryID: r.DeliveryID,
		Branch:     r.Branch,
		Commit:     r.CommitSHA,
		Message:    r.Message,
		Author:     r.Author,
		State:      r.State,
		FailedStep: r.FailedStep,
		Error:      r.Error,
		CreatedAt:  r.CreatedAt.UTC(),
		StartedAt:  utc(r.StartedAt),
		FinishedAt: utc(r.FinishedAt),
	}
}

// functionColumns are the columns of functionRow.
const functionColumns = `id, build_id, name, deploy_name, image, digest, state,
	failed_step, error, started_at, finished_at, content_hash, reused_from, unchanged, stages`

// functionRow is one row of functionColumns.
type functionRow struct {
	ID         int64          `db:"id"`
	BuildID    int64          `db:"build_id"`
	Name       string         `db:"name"`
	DeployName string         `db:"deploy_name"`
	Image      string         `db:"image"`
	Digest     string         `db:"digest"`
	State      pipeline.State `db:"state"`
	FailedStep pipeline.Step  `db:"failed_step"`
	Error      string         `db:"error"`
	StartedAt  *time.Time     `db:"started_at"`
	FinishedAt *time.Time     `db:"finished_at"`
	// Content says what made the image, and how it was found again.
	ContentHash string `db:"content_hash"`
	ReusedFrom  string `db:"reused_from"`
	Unchanged   bool   `db:"unchanged"`
	// Stages is the timeline, a jsonb list.
	Stages []pipeline.StageTiming `db:"stages"`
}

func (r functionRow) functionBuild() pipeline.FunctionBuild {
	return pipeline.FunctionBuild{
		ID:         r.ID,
		BuildID:    r.BuildID,
		Name:       r.Name,
		DeployName: r.DeployName,
		Image:      r.Image,
		Digest:     r.Digest,
		State:      r.State,
		FailedStep: r.FailedStep,
		Error:      r.Error,
		StartedAt:  utc(r.StartedAt),
		FinishedAt: utc(r.FinishedAt),

		ContentHash: r.ContentHash,
		ReusedFrom:  r.ReusedFrom,
		Unchanged:   r.Unchanged,
		Stages:      r.Stages,
	}
}

// utc converts t to UTC: pgx returns timestamptz in the local zone.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

package pipeline

import (
	"context"
	"time"
)

// RepoSummary is a repository with its latest build, as the list of
// repositories shows it.
type RepoSummary struct {
	Repo      Repo      `json:"repo"`
	LastBuild LastBuild `json:"last_build"`
}

// LastBuild is what a list of repositories says of each one's latest
// build; the build itself is read by its ID.
type LastBuild struct {
	ID        int64     `json:"id"`
	Kind      EventKind `json:"kind"`
	State     State     `json:"state"`
	Branch    string    `json:"branch"`
	Commit    string    `json:"commit"`
	CreatedAt time.Time `json:"created_at"`
}

// RepoLister lists the repositories that have builds.
//
// ListRepos returns them with their latest build, the most recently built
// first, a bounded number of them; none is an empty list, not an error.
// Access is not its concern: the caller filters what it may show. Safe for
// concurrent use.
type RepoLister interface {
	ListRepos(ctx context.Context) ([]RepoSummary, error)
}

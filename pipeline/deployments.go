package pipeline

import (
	"context"
	"time"
)

// Deployed is what one function name runs on the gateway, as recorded.
type Deployed struct {
	DeployName string
	// Repo is the repository it was deployed from: its provider, owner
	// and name, as Advance shows what runs. Writers need not set it.
	Repo        Repo
	Function    string
	Branch      string
	Preview     bool
	PullRequest int
	Commit      string
	// Image is the tag pushed; Digest pins what runs.
	Image  string
	Digest string
	// BuildID is the build that deployed it.
	BuildID    int64
	DeployedAt time.Time
}

// PrunableImage is an image a branch's builds pushed that no live
// deployment runs any more.
type PrunableImage struct {
	Image  string
	Digest string
}

// Deployments records what runs on the gateway, for cleanups to find it
// again. Safe for concurrent use.
type Deployments interface {
	// Advance deploys d.DeployName, if production may move to d, and
	// records that it runs d. While it runs, no other call for the same
	// name does, in any process: the check, the deploy and the record are
	// one step. decide is shown what the name runs now (nil for nothing
	// live) and says why d must not replace it, or "" to go ahead; then
	// deploy runs, and when it returns nil the record says d. When the
	// name runs d's image from d's build already, deploy is not called.
	// Neither runs for a build that a newer push superseded: the error is
	// then a *SupersededError. An error from decide or deploy is returned
	// as it is; the store's own errors are Transient.
	Advance(ctx context.Context, d Deployed, decide func(ctx context.Context, live *Deployed) (string, error),
		deploy func(ctx context.Context) error) (why string, err error)
	// LivePreviews lists the previews of branch in the repository of
	// build id that are not removed.
	LivePreviews(ctx context.Context, id int64, branch string) ([]Deployed, error)
	// LiveOnBranch lists every deployment, production or preview, made
	// from branch in the repository of build id and not removed.
	LiveOnBranch(ctx context.Context, id int64, branch string) ([]Deployed, error)
	// MarkRemoved records that name was removed by build id, and why.
	MarkRemoved(ctx context.Context, name string, id int64, why string) error
	// PrunableImages lists the images pushed by builds of branch in the
	// repository of build id whose digest no live deployment runs and no
	// build of another branch recorded (an image reused there is theirs
	// too).
	PrunableImages(ctx context.Context, id int64, branch string) ([]PrunableImage, error)
}

// Remover takes functions off the gateway and their images out of the
// registry. Removing what is already gone is not an error; an error that
// is Transient may pass when tried again. Safe for concurrent use.
type Remover interface {
	// RemoveFunction deletes a function from the gateway.
	RemoveFunction(ctx context.Context, name string) error
	// PruneImage deletes the manifest of an image (pinned by digest) from
	// the registry, and with it every tag that names it.
	PruneImage(ctx context.Context, img PrunableImage) error
}

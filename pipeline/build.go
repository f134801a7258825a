package pipeline

import (
	"strings"
	"time"
)

// State is where a build or function build stands.
type State string

// States, in the order a build moves through them. Success and Failure are
// final; Failure means the user's code or configuration failed (a result),
// Error means the service itself could not finish (also final once stored).
const (
	Queued  State = "queued"
	Running State = "running"
	Success State = "success"
	Failure State = "failure"
	Error   State = "error"
	// Superseded is a build a newer push of its branch or pull request
	// made pointless: skipped while queued, or stopped while running.
	// Nothing of it is deployed after that; it is final.
	Superseded State = "superseded"
)

// Final reports whether no further change of state is expected.
func (s State) Final() bool { return s == Success || s == Failure || s == Error || s == Superseded }

// Step names a stage of the pipeline; a failure records the step it
// happened in, so the user sees "build" rather than a bare error.
type Step string

// Steps of a build.
const (
	StepClone  Step = "clone"
	StepStack  Step = "stack"
	StepBuild  Step = "build"
	StepDeploy Step = "deploy"
	StepReady  Step = "ready"
	StepReport Step = "report"
	// StepCleanup removes a branch's previews and prunes their images.
	StepCleanup Step = "cleanup"
)

// Build is one event's build of every function in the stack file.
type Build struct {
	ID         int64      `json:"id"`
	Repo       Repo       `json:"repo"`
	DeliveryID string     `json:"delivery_id"`
	Branch     string     `json:"branch"`
	Commit     string     `json:"commit"`
	Message    string     `json:"message,omitempty"`
	Author     string     `json:"author,omitempty"`
	State      State      `json:"state"`
	FailedStep Step       `json:"failed_step,omitempty"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`

	// LogRemovedAt is when the log retention policy deleted the build's
	// log, and LogRemovedWhy the rule that did ("older than 30 days"), so
	// that readers are told why there is no log; nil while it is kept.
	LogRemovedAt  *time.Time `json:"log_removed_at,omitempty"`
	LogRemovedWhy string     `json:"log_removed_why,omitempty"`

	// Kind, PullRequest and Tag say what the build was made for, as its
	// Event did: a push, pull request #n, tag v1.2.0 or a cleanup.
	Kind        EventKind `json:"kind"`
	PullRequest int       `json:"pull_request,omitempty"`
	Tag         string    `json:"tag,omitempty"`

	// Functions is filled when a build is read with its function builds.
	Functions []FunctionBuild `json:"functions,omitempty"`
}

// FunctionBuild is the build, push and deploy of one function of a build.
type FunctionBuild struct {
	ID      int64  `json:"id"`
	BuildID int64  `json:"build_id"`
	Name    string `json:"name"`
	// DeployName is the name of the function on the gateway.
	DeployName string `json:"deploy_name"`
	// Image is the immutable tag pushed; Digest is what was deployed.
	Image      string     `json:"image"`
	Digest     string     `json:"digest,omitempty"`
	State      State      `json:"state"`
	FailedStep Step       `json:"failed_step,omitempty"`
	Error      string     `json:"error,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// ContentHash is the function's FunctionSpec.ContentHash: what made
	// its image.
	ContentHash string `json:"content_hash,omitempty"`
	// ReusedFrom is the commit whose build made the image this one
	// reused, not building it again: "" when it was built.
	ReusedFrom string `json:"reused_from,omitempty"`
	// Unchanged says the gateway ran this image with these settings
	// already, so the function was not deployed again.
	Unchanged bool `json:"unchanged,omitempty"`
	// Stages are when each of the function's stages ran, in order, for
	// the build page's timeline.
	Stages []StageTiming `json:"stages,omitempty"`
}

// ImageByDigest is the reference a deploy pins: repo@sha256:...
func (f FunctionBuild) ImageByDigest() string {
	return RepositoryOf(f.Image) + "@" + f.Digest
}

// RepositoryOf strips the tag or digest from an image reference, keeping a
// registry host's port ("127.0.0.1:5000/a/b:t" -> "127.0.0.1:5000/a/b").
func RepositoryOf(ref string) string {
	// A digest holds a ':' of its own ("@sha256:..."): it goes first.
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		ref = ref[:at]
	}
	for i := len(ref) - 1; i >= 0; i-- {
		switch ref[i] {
		case ':':
			return ref[:i]
		case '/':
			return ref
		}
	}
	return ref
}

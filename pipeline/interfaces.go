package pipeline

import (
	"context"
	"io"
	"time"
)

// Publisher puts build requests on the queue.
//
// Publish returns nil only once the queue has durably accepted the request.
// Requests with the same Event.DeliveryID published within the queue's
// duplicate window are stored once. Safe for concurrent use.
type Publisher interface {
	Publish(ctx context.Context, req BuildRequest) error
}

// EventRecorder records a received event and its queued build.
//
// RecordEvent is idempotent on ev.DeliveryID: a second call with the same
// delivery returns the build made by the first and created=false. Safe for
// concurrent use.
type EventRecorder interface {
	RecordEvent(ctx context.Context, ev Event) (b Build, created bool, err error)
}

// BuildStore is what the runner needs of the store. Safe for concurrent use.
type BuildStore interface {
	// ClaimBuild moves build id to running for this runner, when it is
	// queued, or running elsewhere and not heard from within staleAfter.
	// Otherwise the Claim says whether the build is final (the request is
	// a duplicate) or held by another runner, and for how long it stays
	// held if that runner is not heard from again.
	ClaimBuild(ctx context.Context, id int64, staleAfter time.Duration) (Claim, error)
	// Heartbeat says the build is still being worked on. An error that
	// is a *SupersededError says a newer push made the build pointless:
	// the runner stops it.
	Heartbeat(ctx context.Context, id int64) error
	// SaveFunctionBuild inserts or updates (by build id and name) one
	// function build and returns it with its id.
	SaveFunctionBuild(ctx context.Context, fb FunctionBuild) (FunctionBuild, error)
	// FinishBuild stores the final state of a build. step and msg are empty
	// on success.
	FinishBuild(ctx context.Context, id int64, state State, step Step, msg string) error
	// RequeueBuild hands a claimed build back to the queue after a transient
	// error, so that the next delivery may claim it.
	RequeueBuild(ctx context.Context, id int64, msg string) error
}

// BuildReader is the read side of the store, for the API.
type BuildReader interface {
	// ListBuilds returns a repository's latest builds, newest first.
	ListBuilds(ctx context.Context, owner, repo string, limit int) ([]Build, error)
	// GetBuild returns a build with its function builds, or an error
	// wrapping ErrNotFound.
	GetBuild(ctx context.Context, id int64) (Build, error)
}

// Source fetches a repository's files at an exact commit.
//
// Fetch leaves the tree of ev.Commit in dir (which exists and is empty).
// An error is wrapped in Transient when trying again may help (the forge
// is unreachable).
type Source interface {
	Fetch(ctx context.Context, ev Event, dir string) error
}

// Plan is what a Planner made of a stack file.
type Plan struct {
	// Functions are the stack's functions, sorted by name.
	Functions []FunctionSpec
	// Warnings are what the stack file says that is ignored, each naming
	// its file and line ("stack.yml:7: function \"api\": unknown field
	// \"read_timeout\" is ignored"), for the build's log.
	Warnings []string
}

// Planner reads the stack file of a fetched tree and plans one
// FunctionSpec per function, with its build context prepared under workDir.
//
// An error is the user's (a broken or missing stack file, an unknown
// template) and is shown to the user as is.
type Planner interface {
	Plan(ctx context.Context, ev Event, srcDir, workDir string) (Plan, error)
}

// ImageBuilder builds a function's image and pushes it to spec.Image.
//
// Build writes progress lines to log and returns the pushed manifest's
// digest ("sha256:..."). An error that is not Transient is the user's (the
// handler does not compile) and its message ends with the failing output.
// Safe for concurrent use.
type ImageBuilder interface {
	Build(ctx context.Context, spec FunctionSpec, log io.Writer) (digest string, err error)
}

// SecretSource holds the build secrets of repositories: values the
// service's operators keep outside the repository, such as a token for a
// private package registry.
//
// BuildSecrets returns the value of each of ids for repo. An id it has no
// value for is an error wrapping ErrSecretNotFound, which is the user's to
// fix; any other error is Transient when it may go away. Safe for
// concurrent use.
type SecretSource interface {
	BuildSecrets(ctx context.Context, repo Repo, ids []string) (map[string][]byte, error)
}

// Deployer runs functions on the OpenFaaS gateway.
//
// Deploy creates spec.DeployName, or updates it when it exists, to run
// image, which is pinned by digest. WaitReady returns nil once the function
// has an available replica, and an error when ctx ends first. Safe for
// concurrent use.
//
// Running returns the image a function runs and its annotations, "" and
// nil when the gateway has no such function.
type Deployer interface {
	Deploy(ctx context.Context, spec FunctionSpec, image string) error
	WaitReady(ctx context.Context, name string) error
	Running(ctx context.Context, name string) (image string, annotations map[string]string, err error)
}

// StatusState is a commit status as forges know it.
type StatusState string

// Commit status states.
const (
	StatusPending StatusState = "pending"
	StatusSuccess StatusState = "success"
	StatusFailure StatusState = "failure"
	StatusError   StatusState = "error"
	// StatusCancelled is a build stopped because a newer push made it
	// pointless. Forges without the notion show it as they can.
	StatusCancelled StatusState = "cancelled"
)

// CommitStatus is one context's status on a commit.
type CommitStatus struct {
	Context     string
	State       StatusState
	Description string
	TargetURL   string
	// Log is the end of the function's build log, on its final status.
	// Commit statuses have no room for it; check runs show it.
	Log string
}

// Reporter sets commit statuses on the forge. A Report error is logged by
// the runner and does not fail the build. Safe for concurrent use.
type Reporter interface {
	Report(ctx context.Context, ev Event, st CommitStatus) error
}

// LogSink receives the lines of a build's log. function is "" for the
// build-level stream (clone, stack file). Line must not block for long and
// is safe for concurrent use.
//
// Flush stores every line of build buildID taken so far. The runner calls
// it when an attempt of the build ends: ended says the build's final state
// is stored, so that followers of its log may stop; otherwise the build
// goes back to the queue and a later attempt logs on.
type LogSink interface {
	Line(ctx context.Context, buildID int64, function string, step Step, text string)
	Flush(ctx context.Context, buildID int64, ended bool)
}

// Delivery is one delivery of a build request from the queue.
//
// The runner calls exactly one of Ack, Nak or Term, and InProgress as often
// as it likes before that. Errors from them mean the queue could not be
// told; the request may then be delivered again.
type Delivery interface {
	Request() BuildRequest
	// Attempt is this delivery's number, from 1, and the most there will be.
	Attempt() (n, max int)
	// InProgress resets the queue's redelivery timer.
	InProgress(ctx context.Context) error
	// Ack removes the request from the queue.
	Ack(ctx context.Context) error
	// Nak asks for redelivery after delay.
	Nak(ctx context.Context, delay time.Duration) error
	// Term removes the request from the queue as one that can never succeed.
	Term(ctx context.Context, reason string) error
}

// Claim is what a runner found when it claimed a build.
type Claim struct {
	// Won says the build is now this runner's to run.
	Won bool
	// Final says the build already has its final state.
	Final bool
	// SupersededBy, when Final, is the commit of the newer push that
	// made the build pointless before it ran; "" otherwise.
	SupersededBy string
	// HeldFor, when neither, is how long another runner's claim on the
	// build stays good without a heartbeat: a delivery of the build is
	// worth trying again after it.
	HeldFor time.Duration
}

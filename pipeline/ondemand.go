package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// ActionKind is what a user asked of the service through its API.
type ActionKind string

// Actions a user may ask for.
const (
	// ActionRebuild builds a build's commit again, all of its functions
	// or those matching a filter.
	ActionRebuild ActionKind = "rebuild"
	// ActionCancel stops a queued or running build.
	ActionCancel ActionKind = "cancel"
	// ActionRollback deploys again what an older good build of a branch
	// deployed, although production otherwise only moves forward.
	ActionRollback ActionKind = "rollback"
)

// Trigger says that a user, not a forge, asked for a build, and how it
// differs from a push's. A nil Trigger is a forge's event.
type Trigger struct {
	Action ActionKind `json:"action"`
	// By is the API token's name that asked.
	By string `json:"by"`
	// Of is the build whose commit is built again.
	Of int64 `json:"of"`
	// Functions, when not empty, are the names or globs (path.Match, as
	// "*search") of the only functions built and deployed; the others are
	// left as they are: not built, not deployed, not retired.
	Functions []string `json:"functions,omitempty"`
	// Reuse lets a function whose content an earlier build made an image
	// of reuse that image. A rebuild builds afresh unless asked to reuse:
	// it is what one asks for when the image itself is in doubt.
	Reuse bool `json:"reuse,omitempty"`
}

// Rollback reports whether t asks to deploy an older commit: the one
// exception to production moving only forward.
func (t *Trigger) Rollback() bool { return t != nil && t.Action == ActionRollback }

// reuses reports whether the functions of ev may reuse an earlier image.
func (t *Trigger) reuses() bool { return t == nil || t.Reuse }

// Action is one thing a user asked of the service, recorded with who.
type Action struct {
	ID   int64      `json:"id"`
	Kind ActionKind `json:"kind"`
	// BuildID is the build acted on: rebuilt, cancelled, rolled back to.
	BuildID int64 `json:"build_id"`
	// ResultID is the build the action made (a rebuild, a rollback), 0
	// for a cancel.
	ResultID  int64     `json:"result_id,omitempty"`
	By        string    `json:"by"`
	Functions []string  `json:"functions,omitempty"`
	Reuse     bool      `json:"reuse,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ActionStore records what users ask and stops builds on their request.
// Safe for concurrent use.
type ActionStore interface {
	// RecordAction stores a and returns it with its id and time.
	RecordAction(ctx context.Context, a Action) (Action, error)
	// Actions lists the actions on build id or that made it, oldest
	// first.
	Actions(ctx context.Context, id int64) ([]Action, error)
	// CancelBuild stops build a.BuildID for a.By and records a, in one
	// transaction: a queued build ends at once as cancelled, a running
	// one is stopped by its builder at its next heartbeat, as a
	// superseded one is. A build already final, or already being
	// stopped, is an error wrapping ErrNotCancellable; a missing one
	// wraps ErrNotFound.
	CancelBuild(ctx context.Context, a Action) (Action, error)
	// BuildEvent returns the event build id was made for.
	BuildEvent(ctx context.Context, id int64) (Event, error)
	// RollbackTarget is the build a rollback of branch of repo goes
	// back to: the newest successful build of a push older than the
	// first good build of what runs now, of another commit. None is an
	// error wrapping ErrNotFound.
	RollbackTarget(ctx context.Context, repo Repo, branch string) (Build, error)
}

// ErrNotCancellable is wrapped when a build has ended or is being
// stopped already.
var ErrNotCancellable = errors.New("build cannot be cancelled")

// CancelledBy is what a build cancelled by user by records as the reason
// it stopped, in place of the commit of the push that supersedes a build.
func CancelledBy(by string) string { return cancelPrefix + by }

const cancelPrefix = "cancelled by "

// Cancelled reports whether the build was stopped by a user rather than
// by a newer push.
func (e *SupersededError) Cancelled() bool { return strings.HasPrefix(e.By, cancelPrefix) }

// MatchFunctions keeps the specs whose name matches one of patterns
// (names or path.Match globs); all of them when patterns is empty. A
// malformed pattern is an error, as is one that matches nothing, so that
// a typo is not a build of nothing.
func MatchFunctions(specs []FunctionSpec, patterns []string) ([]FunctionSpec, error) {
	if len(patterns) == 0 {
		return specs, nil
	}
	var out []FunctionSpec
	used := make([]bool, len(patterns))
	for _, s := range specs {
		hit := false
		for i, p := range patterns {
			ok, err := path.Match(p, s.Name)
			if err != nil {
				return nil, fmt.Errorf("function filter %q: %w", p, err)
			}
			if ok {
				used[i], hit = true, true
			}
		}
		if hit {
			out = append(out, s)
		}
	}
	for i, p := range patterns {
		if !used[i] {
			return nil, fmt.Errorf("function filter %q matches none of the stack's functions (%s)", p, specNames(specs))
		}
	}
	return out, nil
}

// onDemand narrows the planned specs to those a user's rebuild asked
// for, saying so in the build's log. The caller still hands every planned
// spec to retireRemoved, so that the functions left out stay deployed.
func (r *Runner) onDemand(ctx context.Context, id int64, ev Event, specs []FunctionSpec) ([]FunctionSpec, error) {
	t := ev.Trigger
	if t == nil {
		return specs, nil
	}
	what := fmt.Sprintf("%s of build %d, asked by %s", t.Action, t.Of, t.By)
	if t.Rollback() {
		what += ": deploys " + ev.ShortCommit() + " although it may be older than what is live"
	}
	r.line(ctx, id, "", StepStack, what)
	if !t.reuses() {
		r.line(ctx, id, "", StepStack, "every function is built afresh: no earlier image is reused")
	}
	picked, err := MatchFunctions(specs, t.Functions)
	if err != nil {
		return nil, err
	}
	if len(t.Functions) > 0 {
		r.line(ctx, id, "", StepStack, fmt.Sprintf("only functions matching %s: %s; the others are left as they are",
			strings.Join(t.Functions, ", "), specNames(picked)))
	}
	return picked, nil
}

// reuseAsAsked reuses an earlier image for spec unless ev's trigger asks
// for a fresh build.
func (r *Runner) reuseAsAsked(ctx context.Context, ev Event, spec FunctionSpec, fb *FunctionBuild, tail *logTail) (bool, error) {
	if !ev.Trigger.reuses() {
		return false, nil
	}
	return r.reuse(ctx, spec, fb, tail)
}

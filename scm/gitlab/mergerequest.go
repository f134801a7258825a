package gitlab

import (
	"encoding/json"
	"fmt"
	"math"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// Actions of a Merge Request Hook that make an event. The others
// (approved, unapproved, approval, unapproval, ...) leave the head commit
// as it was built.
const (
	actionOpen   = "open"
	actionReopen = "reopen"
	actionUpdate = "update"
	actionClose  = "close"
	actionMerge  = "merge"
)

// mergeHook is a Merge Request Hook body: client-go's MergeEvent, its
// project read with visibility_level. The outer Project shadows
// MergeEvent.Project, which stays empty.
type mergeHook struct {
	gl.MergeEvent
	Project mergeProject `json:"project"`
}

func parseMergeRequest(deliveryID string, body []byte) (pipeline.Event, error) {
	var m mergeHook
	if err := json.Unmarshal(body, &m); err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: merge request: %v", ErrMalformed, err)
	}
	attrs := &m.ObjectAttributes
	iid := attrs.IID
	kind := pipeline.PullRequest
	switch action := attrs.Action; action {
	case actionOpen, actionReopen:
	case actionUpdate:
		// GitLab sends update for a new title, label or assignee too; only
		// a push to the source branch adds oldrev, the head before it.
		if attrs.OldRev == "" {
			return pipeline.Event{}, ignoredMerge("merge request !%d updated without new commits", iid)
		}
	case actionClose, actionMerge:
		kind = pipeline.Cleanup
	case "":
		return pipeline.Event{}, fmt.Errorf("%w: merge request without action", ErrMalformed)
	default:
		return pipeline.Event{}, ignoredMerge("merge request !%d: action %s is not acted on", iid, quote(action))
	}

	if iid <= 0 || iid > math.MaxInt32 {
		return pipeline.Event{}, fmt.Errorf("%w: merge request: iid %d is not a merge request", ErrMalformed, iid)
	}
	branch, commit := attrs.SourceBranch, attrs.LastCommit.ID
	if !pipeline.ValidBranch(branch) {
		return pipeline.Event{}, fmt.Errorf("%w: merge request !%d: source branch %s is not a valid branch name", ErrMalformed, iid, quote(branch))
	}
	// A cleanup removes previews, whatever commit they run: it needs none.
	if !(kind == pipeline.Cleanup && commit == "") && (!commitRe.MatchString(commit) || isZeroSHA(commit)) {
		return pipeline.Event{}, fmt.Errorf("%w: merge request !%d: last commit %s is not a commit SHA", ErrMalformed, iid, quote(commit))
	}
	// The target project is the one the webhook belongs to, and the one
	// that serves the head commit of a fork too (as
	// refs/merge-requests/N/head).
	repo, err := repoOf(m.Project.project())
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: merge request !%d: %v", ErrMalformed, iid, err)
	}

	// Anything but a source known to be the target project is a fork, the
	// safe side: a fork's code is deployed only where the builder trusts
	// the project's forks.
	fork := attrs.SourceProjectID == 0 || attrs.SourceProjectID != attrs.TargetProjectID
	ref := branchPrefix + branch
	if fork {
		// The fork's branch name means nothing here: it may even be the
		// default branch's.
		ref, branch = fmt.Sprintf("refs/merge-requests/%d/head", iid), pipeline.ForkBranch(int(iid))
	}

	ev := pipeline.Event{
		DeliveryID:  deliveryID,
		Kind:        kind,
		Repo:        repo,
		Ref:         ref,
		Branch:      branch,
		Commit:      commit,
		Message:     attrs.Title,
		PullRequest: int(iid),
		Fork:        fork,
	}
	if commitRe.MatchString(attrs.OldRev) && !isZeroSHA(attrs.OldRev) {
		ev.Before = attrs.OldRev
	}
	if m.User != nil {
		ev.Author = m.User.Username
	}
	return ev, nil
}

func ignoredMerge(format string, args ...any) *IgnoredError {
	return &IgnoredError{Event: EventMergeRequest, Reason: fmt.Sprintf(format, args...)}
}

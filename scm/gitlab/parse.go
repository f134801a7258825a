// Package gitlab turns GitLab webhook deliveries into pipeline events: it
// checks a delivery's secret token and normalises a branch push or a merge
// request into a pipeline.Event, telling apart bodies that are broken from
// events the service does not act on. Project and group webhooks send the
// same bodies; system hooks are not acted on.
package gitlab

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// Event types (X-Gitlab-Event) with a meaning of their own.
const (
	// EventPush builds a branch's head commit, or cleans up after a
	// deleted branch.
	EventPush = string(gl.EventTypePush)
	// EventMergeRequest builds a merge request's head commit, or cleans
	// up after a closed or merged one.
	EventMergeRequest = string(gl.EventTypeMergeRequest)
	// EventTagPush is a tag pushed or deleted.
	EventTagPush = string(gl.EventTypeTagPush)
	// EventSystem is what an instance-wide system hook sends, whatever
	// happened; the service works from project and group webhooks.
	EventSystem = string(gl.EventTypeSystemHook)
)

// ErrMalformed means a delivery's body is not a payload of its event type
// (not JSON, wrong field types, or an event lacking what the builder
// needs), or the delivery lacks its event type or id. The handler answers
// 400.
var ErrMalformed = errors.New("malformed webhook delivery")

// IgnoredError is returned by Parse for a well-formed delivery that makes
// no event: a tag deleted, a push of a ref that is no branch or tag, a
// merge request edited without new commits or approved, a system hook,
// any event but pushes, tag pushes and merge requests. The
// handler answers 202 with Reason, so GitLab's webhook log says why.
type IgnoredError struct {
	// Event is the X-Gitlab-Event of the delivery.
	Event string
	// Reason says, for a person reading the webhook log, why nothing was
	// done.
	Reason string
}

// Error returns the reason.
func (e *IgnoredError) Error() string { return e.Reason }

// IsIgnored reports whether err is, or wraps, an *IgnoredError, and returns it.
func IsIgnored(err error) (*IgnoredError, bool) {
	var ie *IgnoredError
	ok := errors.As(err, &ie)
	return ie, ok
}

const branchPrefix = "refs/heads/"

// Parse normalises a delivery of event type eventType (X-Gitlab-Event)
// with id deliveryID (X-Gitlab-Event-UUID) into a pipeline.Event:
//
//   - Push Hook of a branch: Push of its new head commit; one deleting a
//     branch: Cleanup of that branch, with no Commit.
//   - Tag Push Hook of a new tag: Tag of the commit it points to; the
//     deletion of a tag is ignored.
//   - Merge Request Hook opened, reopened, or updated with new commits:
//     PullRequest of its head commit, in the target project (a fork's
//     head is fetched from there by SHA); closed or merged: Cleanup of its
//     source branch. A fork's merge request is on the branch
//     pipeline.ForkBranch names.
//
// Anything else well-formed returns an *IgnoredError, and a broken
// delivery an error wrapping ErrMalformed. The token must already be
// verified. ReceivedAt is left for the caller to set.
func Parse(eventType, deliveryID string, body []byte) (pipeline.Event, error) {
	if eventType == "" {
		return pipeline.Event{}, fmt.Errorf("%w: missing %s header", ErrMalformed, EventHeader)
	}
	switch eventType {
	case EventPush, EventTagPush, EventMergeRequest:
		if deliveryID == "" {
			// Without the id a retried delivery could not be told from a
			// new event.
			return pipeline.Event{}, fmt.Errorf("%w: missing %s header", ErrMalformed, DeliveryHeader)
		}
		// Each checks, as it decodes, that the whole body is JSON.
		if eventType == EventMergeRequest {
			return parseMergeRequest(deliveryID, body)
		}
		// A Tag Push Hook has a Push Hook's body, with a tag's ref.
		return parsePush(deliveryID, body)
	}
	if !json.Valid(body) {
		return pipeline.Event{}, fmt.Errorf("%w: %s body is not JSON", ErrMalformed, quote(eventType))
	}
	if eventType == EventSystem {
		return pipeline.Event{}, &IgnoredError{
			Event:  eventType,
			Reason: "system hooks are not acted on: add a project or group webhook",
		}
	}
	return pipeline.Event{}, &IgnoredError{
		Event:  eventType,
		Reason: fmt.Sprintf("event %s is not acted on", quote(eventType)),
	}
}

func isZeroSHA(s string) bool {
	return s != "" && strings.Trim(s, "0") == ""
}

// quote keeps untrusted text short and printable in errors and logs.
func quote(s string) string {
	const max = 100
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// show leaves a short, plain ref as is, to read well in a webhook log,
// and quotes anything else.
func show(s string) string {
	if s == "" || len(s) > 100 || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '"' }) >= 0 {
		return quote(s)
	}
	return s
}

package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/pipeline"
)

// Event types with a meaning of their own to the webhook handler.
const (
	// EventPing is sent once when a webhook is created; it is answered
	// with 200 and starts nothing.
	EventPing = "ping"
	// EventPush builds a branch's head commit, or cleans up after a
	// deleted branch.
	EventPush = "push"
	// EventPullRequest builds a pull request's head commit, or cleans up
	// after a closed one.
	EventPullRequest = "pull_request"
	// EventDelete cleans up after a deleted branch.
	EventDelete = "delete"
	// EventCheckRun builds a commit again when one of its check runs is
	// re-run on GitHub.
	EventCheckRun = "check_run"
	// EventCheckSuite builds a commit again when its check suite is re-run
	// on GitHub.
	EventCheckSuite = "check_suite"
)

// ErrMalformed means a delivery's body is not a payload of its event type
// (not JSON, wrong field types, or an event lacking what the builder
// needs), or the delivery lacks its event type or id. The handler answers
// 400.
var ErrMalformed = errors.New("malformed webhook delivery")

// IgnoredError is returned by Parse for a well-formed delivery that makes
// no event: a ping, a tag deletion, a pull request labelled or edited, a
// check run or suite not
// re-requested, any event but push, pull_request, delete, check_run and
// check_suite. The handler answers 202 with Reason, so GitHub's delivery
// log says why.
type IgnoredError struct {
	// Event is the X-GitHub-Event of the delivery.
	Event string
	// Reason says, for a person reading the delivery log, why nothing was
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

var (
	// GitHub's own rules are narrower; these keep owner and name safe to
	// use in paths, image names and URLs while accepting every real name.
	ownerRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9_])?$`)
	nameRe  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	// A commit is SHA-1, or SHA-256 in repositories that use it.
	commitRe = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)
)

const branchPrefix = "refs/heads/"

// Parse normalises a delivery of event type eventType (X-GitHub-Event)
// with id deliveryID (X-GitHub-Delivery) into a pipeline.Event:
//
//   - push of a branch: Push of its new head commit; push deleting a
//     branch: Cleanup of that branch, with no Commit.
//   - push of a tag: Tag of the commit it points to; the deletion of a
//     tag is ignored.
//   - pull_request opened, reopened or synchronize: PullRequest of its head
//     commit, in the base repository (a fork's head is fetched from there
//     by SHA); closed, merged or not: Cleanup of its head branch. A fork's
//     pull request is on the branch pipeline.ForkBranch names.
//   - delete of a branch: Cleanup of that branch, with no Commit.
//   - check_run or check_suite rerequested on a branch's commit: Push of
//     that commit again, naming the first pull request it heads, if any.
//
// Anything else well-formed returns an *IgnoredError, and a broken
// delivery an error wrapping ErrMalformed. The body must already be
// verified. ReceivedAt is left for the caller to set.
func Parse(eventType, deliveryID string, body []byte) (pipeline.Event, error) {
	if eventType == "" {
		return pipeline.Event{}, fmt.Errorf("%w: missing X-GitHub-Event header", ErrMalformed)
	}
	switch eventType {
	case EventPush, EventPullRequest, EventDelete, EventCheckRun, EventCheckSuite:
		if deliveryID == "" {
			// Without the id a redelivery could not be told from a new event.
			return pipeline.Event{}, fmt.Errorf("%w: missing X-GitHub-Delivery header", ErrMalformed)
		}
		// Each checks, as it decodes, that the whole body is JSON.
		switch eventType {
		case EventPullRequest:
			return parsePullRequest(deliveryID, body)
		case EventDelete:
			return parseDelete(deliveryID, body)
		case EventCheckRun:
			return parseCheckRun(deliveryID, body)
		case EventCheckSuite:
			return parseCheckSuite(deliveryID, body)
		default:
			return parsePush(deliveryID, body)
		}
	}
	if !json.Valid(body) {
		return pipeline.Event{}, fmt.Errorf("%w: %s body is not JSON", ErrMalformed, quote(eventType))
	}
	switch eventType {
	case EventPing:
		return pipeline.Event{}, parsePing(body)
	default:
		return pipeline.Event{}, &IgnoredError{
			Event:  eventType,
			Reason: fmt.Sprintf("event %s is not acted on", quote(eventType)),
		}
	}
}

func parsePing(body []byte) error {
	v, err := gh.ParseWebHook(EventPing, body)
	if err != nil {
		return fmt.Errorf("%w: ping: %v", ErrMalformed, err)
	}
	ping, ok := v.(*gh.PingEvent)
	if !ok {
		return fmt.Errorf("%w: ping parsed as %T", ErrMalformed, v)
	}
	return &IgnoredError{
		Event:  EventPing,
		Reason: fmt.Sprintf("pong: webhook %d is set up", ping.GetHookID()),
	}
}

func parsePush(deliveryID string, body []byte) (pipeline.Event, error) {
	p, err := decodePush(body)
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: push: %v", ErrMalformed, err)
	}

	ref := p.Ref
	name, tag, ok := pipeline.RefName(ref)
	switch {
	case ref == "":
		return pipeline.Event{}, fmt.Errorf("%w: push without ref", ErrMalformed)
	case !ok:
		return pipeline.Event{}, ignoredPush("push of %s ignored: not a branch or tag", show(ref))
	case !pipeline.ValidBranch(name):
		// Tag and branch names follow the same rules (git check-ref-format).
		return pipeline.Event{}, fmt.Errorf("%w: push: ref %s is not a valid branch or tag ref", ErrMalformed, quote(ref))
	}

	repo, err := repoOf(p.Repo, p.HasRepo)
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: %v", ErrMalformed, ref, err)
	}
	after := p.After
	switch {
	case (p.Deleted || isZeroSHA(after)) && tag:
		return pipeline.Event{}, ignoredPush("tag %s deleted: nothing to build", show(name))
	case p.Deleted || isZeroSHA(after):
		// A repository subscribed to push alone still has its previews
		// cleaned up.
		return cleanupOf(deliveryID, repo, name, p.InstallationID), nil
	}
	if !commitRe.MatchString(after) {
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: after %s is not a commit SHA", ErrMalformed, ref, quote(after))
	}

	ev := pipeline.Event{
		DeliveryID:     deliveryID,
		Kind:           pipeline.Push,
		Repo:           repo,
		Ref:            ref,
		Branch:         name,
		Commit:         after,
		Before:         commitOrNothing(p.Before),
		InstallationID: p.InstallationID,
		Message:        p.HeadCommit.Message,
	}
	if tag {
		ev.Kind, ev.Branch, ev.Tag, ev.Before = pipeline.Tag, "", name, ""
		// An annotated tag's after is the tag object; statuses and the
		// build need the commit it points to.
		if id := p.HeadCommit.ID; commitRe.MatchString(id) && !isZeroSHA(id) {
			ev.Commit = id
		}
	}
	// Forges show the name the author gave git, else their login.
	if ev.Author = p.HeadCommit.AuthorName; ev.Author == "" {
		ev.Author = p.HeadCommit.AuthorLogin
	}
	return ev, nil
}

// commitOrNothing is sha when it names a commit, "" when it does not (a
// new branch's before is zeros).
func commitOrNothing(sha string) string {
	if !commitRe.MatchString(sha) || isZeroSHA(sha) {
		return ""
	}
	return sha
}

// cleanupOf is the Cleanup of a deleted branch, which has no commit left.
func cleanupOf(deliveryID string, repo pipeline.Repo, branch string, installationID int64) pipeline.Event {
	return pipeline.Event{
		DeliveryID:     deliveryID,
		Kind:           pipeline.Cleanup,
		Repo:           repo,
		Ref:            branchPrefix + branch,
		Branch:         branch,
		InstallationID: installationID,
	}
}

// repoOf checks and normalises a payload's repository; present is false
// when the payload had none.
func repoOf(r payloadRepo, present bool) (pipeline.Repo, error) {
	if !present {
		return pipeline.Repo{}, errors.New("no repository")
	}
	owner := r.OwnerLogin
	if owner == "" {
		// Older push payloads name the owner only by name.
		owner = r.OwnerName
	}
	if !ownerRe.MatchString(owner) {
		return pipeline.Repo{}, fmt.Errorf("repository owner %s is not a valid name", quote(owner))
	}
	if !nameRe.MatchString(r.Name) || r.Name == "." || r.Name == ".." {
		return pipeline.Repo{}, fmt.Errorf("repository name %s is not a valid name", quote(r.Name))
	}
	if r.CloneURL == "" {
		return pipeline.Repo{}, fmt.Errorf("repository %s/%s has no clone_url", owner, r.Name)
	}
	if err := pipeline.CheckCloneURL("clone_url", r.CloneURL, owner, r.Name); err != nil {
		return pipeline.Repo{}, fmt.Errorf("repository %s/%s: %w", owner, r.Name, err)
	}
	def := r.DefaultBranch
	if def == "" {
		def = r.MasterBranch
	}
	if def == "" {
		// Without it a branch cannot be told from production.
		return pipeline.Repo{}, fmt.Errorf("repository %s/%s has no default_branch", owner, r.Name)
	}
	return pipeline.Repo{
		Provider:      pipeline.GitHub,
		Owner:         owner,
		Name:          r.Name,
		CloneURL:      r.CloneURL,
		HTMLURL:       r.HTMLURL,
		DefaultBranch: def,
		Private:       r.Private,
	}, nil
}

func ignoredPush(format string, args ...any) *IgnoredError {
	return &IgnoredError{Event: EventPush, Reason: fmt.Sprintf(format, args...)}
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

// show leaves a short, plain ref as is, to read well in a delivery log,
// and quotes anything else.
func show(s string) string {
	if len(s) > 100 || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '"' }) >= 0 {
		return quote(s)
	}
	return s
}

package github

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// Actions of a pull_request delivery that make an event. The others
// (edited, labeled, assigned, ready_for_review, ...) leave the head commit
// as it was built.
const (
	actionOpened      = "opened"
	actionSynchronize = "synchronize"
	actionReopened    = "reopened"
	actionClosed      = "closed"
)

// jsonPullRequest is the pull_request payload as encoding/json decodes it:
// only the fields an event uses, as pointers so that null and missing
// read as unset. Like decodePush, it skips the rest of the ~30 KB payload
// without allocating it.
type jsonPullRequest struct {
	Action      *string `json:"action"`
	Number      *int    `json:"number"`
	PullRequest *struct {
		Title *string `json:"title"`
		User  *struct {
			Login *string `json:"login"`
		} `json:"user"`
		Head *jsonPullRequestBranch `json:"head"`
		Base *jsonPullRequestBranch `json:"base"`
	} `json:"pull_request"`
	Installation *jsonInstallation `json:"installation"`
	// Before is the head before a synchronize: the commit pushed on.
	Before *string `json:"before"`
}

// jsonPullRequestBranch is a pull request's head or base. Repo is null in
// a head whose fork was deleted.
type jsonPullRequestBranch struct {
	Ref  *string   `json:"ref"`
	SHA  *string   `json:"sha"`
	Repo *jsonRepo `json:"repo"`
}

func parsePullRequest(deliveryID string, body []byte) (pipeline.Event, error) {
	var p jsonPullRequest
	if err := json.Unmarshal(body, &p); err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: pull_request: %v", ErrMalformed, err)
	}
	number := deref(p.Number)
	kind := pipeline.PullRequest
	switch action := deref(p.Action); action {
	case actionOpened, actionSynchronize, actionReopened:
	case actionClosed:
		kind = pipeline.Cleanup
	case "":
		return pipeline.Event{}, fmt.Errorf("%w: pull_request without action", ErrMalformed)
	default:
		return pipeline.Event{}, &IgnoredError{
			Event:  EventPullRequest,
			Reason: fmt.Sprintf("pull request #%d: action %s is not acted on", number, quote(action)),
		}
	}

	// Numbers are stored as Postgres integers; GitHub's are far smaller.
	if number <= 0 || number > math.MaxInt32 {
		return pipeline.Event{}, fmt.Errorf("%w: pull_request: number %d is not a pull request", ErrMalformed, number)
	}
	pr := p.PullRequest
	if pr == nil || pr.Head == nil || pr.Base == nil {
		return pipeline.Event{}, fmt.Errorf("%w: pull request #%d: no pull_request with head and base", ErrMalformed, number)
	}
	head, base := pr.Head, pr.Base
	branch, commit := deref(head.Ref), deref(head.SHA)
	if !pipeline.ValidBranch(branch) {
		return pipeline.Event{}, fmt.Errorf("%w: pull request #%d: head ref %s is not a valid branch name", ErrMalformed, number, quote(branch))
	}
	if !commitRe.MatchString(commit) || isZeroSHA(commit) {
		return pipeline.Event{}, fmt.Errorf("%w: pull request #%d: head sha %s is not a commit SHA", ErrMalformed, number, quote(commit))
	}
	// The base repository is the one the webhook belongs to, and the one
	// that serves the head commit of a fork too (as refs/pull/N/head).
	repo, err := repoOf(base.Repo.payload())
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: pull request #%d: base: %v", ErrMalformed, number, err)
	}

	// Anything but a head known to be the base repository is a fork, the
	// safe side: a fork's code is deployed only where the builder trusts
	// the repository's forks. GitHub compares names without case; the
	// ids, when both are given, tell a fork that took the base's name
	// after the base was renamed.
	headRepo, _ := head.Repo.payload()
	baseRepo, _ := base.Repo.payload()
	fork := headRepo.FullName == "" || !strings.EqualFold(headRepo.FullName, baseRepo.FullName) ||
		(headRepo.ID != 0 && baseRepo.ID != 0 && headRepo.ID != baseRepo.ID)
	ref := branchPrefix + branch
	if fork {
		// The fork's branch name means nothing here: it may even be the
		// default branch's.
		ref, branch = fmt.Sprintf("refs/pull/%d/head", number), pipeline.ForkBranch(number)
	}

	ev := pipeline.Event{
		DeliveryID:     deliveryID,
		Kind:           kind,
		Repo:           repo,
		Ref:            ref,
		Branch:         branch,
		Commit:         commit,
		Message:        deref(pr.Title),
		PullRequest:    number,
		Fork:           fork,
		InstallationID: p.Installation.id(),
		Before:         commitOrNothing(deref(p.Before)),
	}
	if u := pr.User; u != nil {
		ev.Author = deref(u.Login)
	}
	return ev, nil
}

package github

import (
	"encoding/json"
	"fmt"

	"github.com/ofcbuild/ofc/pipeline"
)

// actionRerequested is the one action of check_run and check_suite that
// makes an event: someone pressed "Re-run" on GitHub. The others
// (requested, created, completed, requested_action) follow a push the
// service already builds, or a check run it set itself.
const actionRerequested = "rerequested"

// jsonCheckRunEvent is the check_run payload as encoding/json decodes it:
// only the fields an event uses, as pointers so that null and missing read
// as unset.
type jsonCheckRunEvent struct {
	Action   *string `json:"action"`
	CheckRun *struct {
		Name       *string         `json:"name"`
		HeadSHA    *string         `json:"head_sha"`
		CheckSuite *jsonCheckSuite `json:"check_suite"`
		// PullRequests is the run's own copy of its suite's list.
		PullRequests []jsonCheckPullRequest `json:"pull_requests"`
	} `json:"check_run"`
	Repo         *jsonRepo         `json:"repository"`
	Installation *jsonInstallation `json:"installation"`
	Sender       *jsonSender       `json:"sender"`
}

// jsonCheckSuiteEvent is the check_suite payload as encoding/json decodes
// it.
type jsonCheckSuiteEvent struct {
	Action       *string           `json:"action"`
	CheckSuite   *jsonCheckSuite   `json:"check_suite"`
	Repo         *jsonRepo         `json:"repository"`
	Installation *jsonInstallation `json:"installation"`
	Sender       *jsonSender       `json:"sender"`
}

// jsonCheckSuite is a check suite. HeadBranch is null when the commit is
// on no branch of the repository, as for a pull request from a fork.
type jsonCheckSuite struct {
	ID           *int64                 `json:"id"`
	HeadBranch   *string                `json:"head_branch"`
	HeadSHA      *string                `json:"head_sha"`
	PullRequests []jsonCheckPullRequest `json:"pull_requests"`
}

// jsonCheckPullRequest is a pull request as a check suite lists it: a
// reference, with its base repository's id.
type jsonCheckPullRequest struct {
	Number *int `json:"number"`
	Base   *struct {
		Repo *struct {
			ID *int64 `json:"id"`
		} `json:"repo"`
	} `json:"base"`
}

type jsonSender struct {
	Login *string `json:"login"`
}

// rebuild is what a re-requested check run or suite asks to build.
type rebuild struct {
	eventType string
	// what names the run or suite in reasons and errors.
	what         string
	branch, sha  string
	pullRequests []jsonCheckPullRequest
	repo         *jsonRepo
	installation *jsonInstallation
	sender       *jsonSender
	message      string
}

func parseCheckRun(deliveryID string, body []byte) (pipeline.Event, error) {
	var p jsonCheckRunEvent
	if err := json.Unmarshal(body, &p); err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: check_run: %v", ErrMalformed, err)
	}
	run := p.CheckRun
	if run == nil {
		return pipeline.Event{}, fmt.Errorf("%w: check_run without check_run", ErrMalformed)
	}
	name := deref(run.Name)
	what := "check run " + show(name)
	if err := checkAction(EventCheckRun, what, deref(p.Action)); err != nil {
		return pipeline.Event{}, err
	}
	r := rebuild{
		eventType:    EventCheckRun,
		what:         what,
		sha:          deref(run.HeadSHA),
		pullRequests: run.PullRequests,
		repo:         p.Repo,
		installation: p.Installation,
		sender:       p.Sender,
		message:      "check run " + name + " re-requested",
	}
	if s := run.CheckSuite; s != nil {
		r.branch = deref(s.HeadBranch)
		if len(s.PullRequests) > 0 {
			r.pullRequests = s.PullRequests
		}
	}
	return r.event(deliveryID)
}

func parseCheckSuite(deliveryID string, body []byte) (pipeline.Event, error) {
	var p jsonCheckSuiteEvent
	if err := json.Unmarshal(body, &p); err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: check_suite: %v", ErrMalformed, err)
	}
	suite := p.CheckSuite
	if suite == nil {
		return pipeline.Event{}, fmt.Errorf("%w: check_suite without check_suite", ErrMalformed)
	}
	what := fmt.Sprintf("check suite %d", deref(suite.ID))
	if err := checkAction(EventCheckSuite, what, deref(p.Action)); err != nil {
		return pipeline.Event{}, err
	}
	return rebuild{
		eventType:    EventCheckSuite,
		what:         what,
		branch:       deref(suite.HeadBranch),
		sha:          deref(suite.HeadSHA),
		pullRequests: suite.PullRequests,
		repo:         p.Repo,
		installation: p.Installation,
		sender:       p.Sender,
		message:      "check suite re-requested",
	}.event(deliveryID)
}

// checkAction returns nil for a re-request, and why nothing is done
// otherwise.
func checkAction(eventType, what, action string) error {
	switch action {
	case actionRerequested:
		return nil
	case "":
		return fmt.Errorf("%w: %s without action", ErrMalformed, eventType)
	}
	return &IgnoredError{
		Event:  eventType,
		Reason: fmt.Sprintf("%s: action %s is not acted on", what, quote(action)),
	}
}

// event is the Push that builds the re-requested commit again, on its
// branch, as its push did.
func (r rebuild) event(deliveryID string) (pipeline.Event, error) {
	if r.branch == "" {
		// The commit is on no branch of this repository: a fork's, whose
		// code is only ever built as its pull request.
		return pipeline.Event{}, &IgnoredError{
			Event:  r.eventType,
			Reason: fmt.Sprintf("%s re-requested on a commit of no branch here (a fork's?): not rebuilt", r.what),
		}
	}
	if !pipeline.ValidBranch(r.branch) {
		return pipeline.Event{}, fmt.Errorf("%w: %s: head_branch %s is not a valid branch name", ErrMalformed, r.what, quote(r.branch))
	}
	if !commitRe.MatchString(r.sha) || isZeroSHA(r.sha) {
		return pipeline.Event{}, fmt.Errorf("%w: %s: head_sha %s is not a commit SHA", ErrMalformed, r.what, quote(r.sha))
	}
	// The repository's id tells its own pull requests from others' listed
	// with the same head commit.
	payload, present := r.repo.payload()
	repo, err := repoOf(payload, present)
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: %s: %v", ErrMalformed, r.what, err)
	}
	ev := pipeline.Event{
		DeliveryID:     deliveryID,
		Kind:           pipeline.Push,
		Repo:           repo,
		Ref:            branchPrefix + r.branch,
		Branch:         r.branch,
		Commit:         r.sha,
		Message:        r.message,
		PullRequest:    pullRequestOf(r.pullRequests, payload.ID),
		InstallationID: r.installation.id(),
	}
	if r.sender != nil {
		ev.Author = deref(r.sender.Login)
	}
	return ev, nil
}

// pullRequestOf is the number of the first pull request into repository
// repoID, 0 if none. GitHub lists every open pull request whose head is the
// suite's commit, those into other repositories too, whose numbers mean
// nothing here; one without a base id is taken as this repository's.
func pullRequestOf(prs []jsonCheckPullRequest, repoID int64) int {
	for _, pr := range prs {
		n := deref(pr.Number)
		if n <= 0 {
			continue
		}
		if b := pr.Base; b != nil && b.Repo != nil && b.Repo.ID != nil && repoID != 0 && *b.Repo.ID != repoID {
			continue
		}
		return n
	}
	return 0
}

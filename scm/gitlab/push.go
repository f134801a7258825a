package gitlab

import (
	"encoding/json"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// pushHook is a Push Hook body: client-go's PushEvent, its project read
// with visibility_level. The outer Project shadows PushEvent.Project,
// which stays empty.
type pushHook struct {
	gl.PushEvent
	Project pushProject `json:"project"`
}

func parsePush(deliveryID string, body []byte) (pipeline.Event, error) {
	var p pushHook
	if err := json.Unmarshal(body, &p); err != nil {
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

	repo, err := repoOf(p.Project.project())
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: %v", ErrMalformed, ref, err)
	}
	after := p.After
	switch {
	case isZeroSHA(after) && tag:
		return pipeline.Event{}, &IgnoredError{Event: EventTagPush, Reason: fmt.Sprintf("tag %s deleted: nothing to build", show(name))}
	case isZeroSHA(after):
		// GitLab has no delete event for branches: a push to nothing is
		// the deletion.
		return pipeline.Event{
			DeliveryID: deliveryID,
			Kind:       pipeline.Cleanup,
			Repo:       repo,
			Ref:        ref,
			Branch:     name,
		}, nil
	}
	if !commitRe.MatchString(after) {
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: after %s is not a commit SHA", ErrMalformed, ref, quote(after))
	}
	// checkout_sha is the commit GitLab itself would check out: for a
	// branch it is after, for an annotated tag the commit after's tag
	// object points to; null only when the ref is gone.
	commit := p.CheckoutSHA
	switch {
	case commit == "" && tag:
		// after may be a tag object, which is no commit to build or to
		// report a status on.
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: no checkout_sha: the commit the tag points to is unknown", ErrMalformed, ref)
	case commit == "":
		commit = after
	case !commitRe.MatchString(commit) || isZeroSHA(commit):
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: checkout_sha %s is not a commit SHA", ErrMalformed, ref, quote(commit))
	case !tag && commit != after:
		// The pushed commit of a branch is after; a payload that says
		// otherwise cannot say which one to build.
		return pipeline.Event{}, fmt.Errorf("%w: push of %s: checkout_sha %s is not after %s", ErrMalformed, ref, quote(commit), quote(after))
	}

	ev := pipeline.Event{
		DeliveryID: deliveryID,
		Kind:       pipeline.Push,
		Repo:       repo,
		Ref:        ref,
		Branch:     name,
		Commit:     commit,
	}
	if !tag && commitRe.MatchString(p.Before) && !isZeroSHA(p.Before) {
		ev.Before = p.Before
	}
	if tag {
		ev.Kind, ev.Branch, ev.Tag = pipeline.Tag, "", name
	}
	if head := headCommit(p.Commits, after); head != nil {
		ev.Message, ev.Author = head.Message, head.Author.Name
	}
	if ev.Author == "" {
		// A new branch at an existing commit lists no commits: the one who
		// pushed it is all there is to show.
		ev.Author = p.UserUsername
	}
	if ev.Author == "" {
		ev.Author = p.UserName
	}
	return ev, nil
}

// headCommit is the commit after points to. GitLab lists at most 20
// commits, oldest first, so the last is the head when after is not listed.
func headCommit(commits []*gl.PushEventCommit, after string) *gl.PushEventCommit {
	var last *gl.PushEventCommit
	for _, c := range commits {
		if c == nil {
			continue
		}
		if c.ID == after {
			return c
		}
		last = c
	}
	return last
}

func ignoredPush(format string, args ...any) *IgnoredError {
	return &IgnoredError{Event: EventPush, Reason: fmt.Sprintf(format, args...)}
}

// Package pipeline holds the domain of the build service: the events that
// start builds, the builds and function builds they make, the interfaces the
// pipeline consumes, and the runner that takes one build through its stages.
//
// It imports the standard library only; adapters (scm, buildkit, deploy,
// store, queue, status) implement its interfaces and cmd/* wires them.
package pipeline

import (
	"strconv"
	"strings"
	"time"
)

// Provider names the forge an event came from.
type Provider string

// Forges the service understands.
const (
	GitHub Provider = "github"
	GitLab Provider = "gitlab"
)

// EventKind is what happened in the repository.
type EventKind string

// Event kinds the builder acts on.
const (
	// Push is a push of a branch: build and deploy its head commit.
	Push EventKind = "push"
	// PullRequest is a pull or merge request opened, reopened or pushed
	// to: build its head commit and report on it.
	PullRequest EventKind = "pull_request"
	// Tag is a tag pushed: build its commit and push its images, also
	// under the tag's name; deploy nothing.
	Tag EventKind = "tag"
	// Cleanup is a branch deleted, or its pull request closed or merged:
	// remove the branch's previews. Commit may be empty.
	Cleanup EventKind = "cleanup"
)

// Repo identifies a repository on a forge.
type Repo struct {
	Provider      Provider `json:"provider"`
	Owner         string   `json:"owner"`
	Name          string   `json:"name"`
	CloneURL      string   `json:"clone_url"`
	HTMLURL       string   `json:"html_url,omitempty"`
	DefaultBranch string   `json:"default_branch"`
	Private       bool     `json:"private"`
}

// FullName is "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// Same reports whether r and o are one repository: the same forge and
// path, compared without case as the forges compare them.
func (r Repo) Same(o Repo) bool {
	return r.Provider == o.Provider && strings.EqualFold(r.FullName(), o.FullName())
}

// Event is a webhook normalised across forges: everything the builder needs
// to build one commit, and nothing forge-specific.
type Event struct {
	// DeliveryID is the forge's id of this delivery (X-GitHub-Delivery); a
	// redelivery carries the same id, which is what makes it one build.
	DeliveryID string    `json:"delivery_id"`
	Kind       EventKind `json:"kind"`
	Repo       Repo      `json:"repo"`
	// Ref is the full ref pushed, e.g. refs/heads/main.
	Ref string `json:"ref"`
	// Branch is Ref without refs/heads/; for a pull request from a fork,
	// ForkBranch of its number; "" for a tag.
	Branch string `json:"branch"`
	// Tag is the tag's name, e.g. v1.2.0, for a Tag event.
	Tag string `json:"tag,omitempty"`
	// Commit is the full SHA to build.
	Commit string `json:"commit"`
	// Before is the commit the ref pointed at before this push, when the
	// forge says: a newer push whose Before is an older build's commit
	// descends from it. "" when unknown.
	Before  string `json:"before,omitempty"`
	Message string `json:"message,omitempty"`
	Author  string `json:"author,omitempty"`
	// PullRequest is the number of the pull or merge request the commit is
	// the head of (or that was closed), 0 for a plain push.
	PullRequest int `json:"pull_request,omitempty"`
	// Fork is true when the pull request's head lives in another
	// repository: it is built and reported on, and deployed only when the
	// builder trusts the repository's forks.
	Fork bool `json:"fork,omitempty"`
	// InstallationID is the GitHub App installation, 0 when not an App.
	InstallationID int64     `json:"installation_id,omitempty"`
	ReceivedAt     time.Time `json:"received_at"`
	// Trigger is set when a user asked for the build through the API (a
	// rebuild, a rollback) rather than a forge: nil for a webhook's.
	Trigger *Trigger `json:"trigger,omitempty"`
}

// ShortCommit is the first 7 characters of the commit, as forges show it.
func (e Event) ShortCommit() string { return ShortSHA(e.Commit) }

// ShortSHA is the first 7 characters of a commit id, as forges show it.
func ShortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// ForkBranch is the branch a pull request from a fork builds and
// previews on. The fork's own branch name could be the default branch or
// one of the repository's, so it is not used; the colon keeps this one
// from being any branch's name.
func ForkBranch(pullRequest int) string { return "pr:" + strconv.Itoa(pullRequest) }

// BuildRequest is the message put on the queue for one build: the build's
// id in the store and the event that made it.
type BuildRequest struct {
	BuildID int64 `json:"build_id"`
	Event   Event `json:"event"`
}

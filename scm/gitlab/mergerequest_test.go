package gitlab

import (
	"math"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const (
	// Of merge_request.json: !1, ms-viewport at da15608, project 14 into
	// itself, in public gitlabhq/gitlab-test.
	mrCommit = headSHA
	// Of merge_request_update.json: !2, next-feature pushed to 0ab96a1.
	updateCommit = "0ab96a10266b95b4b533dcfd98738015fbe70889"
)

var gitlabTest = pipeline.Repo{
	Provider:      pipeline.GitLab,
	Owner:         "gitlabhq",
	Name:          "gitlab-test",
	CloneURL:      "http://example.com/gitlabhq/gitlab-test.git",
	HTMLURL:       "http://example.com/gitlabhq/gitlab-test",
	DefaultBranch: "master",
}

// action returns an edit setting object_attributes.action.
func action(a string) func(m map[string]any) {
	return func(m map[string]any) { obj(m, "object_attributes")["action"] = a }
}

// fromFork makes the merge request's source project 15, a fork of 14.
func fromFork(m map[string]any) { obj(m, "object_attributes")["source_project_id"] = 15 }

// forked is what a fork's merge request !1 makes: the fork's branch name
// could be any of the project's, so it is on a branch of its own.
func forked(ev *pipeline.Event) {
	ev.Fork, ev.Ref, ev.Branch = true, "refs/merge-requests/1/head", "pr:1"
}

func both(edits ...func(m map[string]any)) func(m map[string]any) {
	return func(m map[string]any) {
		for _, e := range edits {
			e(m)
		}
	}
}

func TestParseMergeRequest(t *testing.T) {
	opened := pipeline.Event{
		DeliveryID:  delivery,
		Kind:        pipeline.PullRequest,
		Repo:        gitlabTest,
		Ref:         "refs/heads/ms-viewport",
		Branch:      "ms-viewport",
		Commit:      mrCommit,
		Message:     "MS-Viewport",
		Author:      "user1",
		PullRequest: 1,
	}
	with := func(edit func(ev *pipeline.Event)) pipeline.Event {
		ev := opened
		edit(&ev)
		return ev
	}
	mr := func(edit func(m map[string]any)) []byte { return patched(t, "merge_request.json", edit) }
	runParseCases(t, []parseCase{
		{name: "opened", eventType: EventMergeRequest, body: fixture(t, "merge_request.json"), want: opened},
		{name: "reopened", eventType: EventMergeRequest, body: mr(action("reopen")), want: opened},
		{
			name:      "updated with new commits",
			eventType: EventMergeRequest,
			body:      fixture(t, "merge_request_update.json"),
			want: pipeline.Event{
				DeliveryID: delivery,
				Kind:       pipeline.PullRequest,
				Repo: pipeline.Repo{
					Provider:      pipeline.GitLab,
					Owner:         "test",
					Name:          "woodpecker",
					CloneURL:      "http://10.40.8.5:3200/test/woodpecker.git",
					HTMLURL:       "http://10.40.8.5:3200/test/woodpecker",
					DefaultBranch: "master",
				},
				Ref:         "refs/heads/next-feature",
				Branch:      "next-feature",
				Commit:      updateCommit,
				Before:      "6ef047571374c96a2bf13c361efd1fb008b0063e",
				Message:     "Update client.go 🎉",
				Author:      "test",
				PullRequest: 2,
			},
		},
		{
			name:      "updated without new commits",
			eventType: EventMergeRequest,
			body: patched(t, "merge_request_update.json", func(m map[string]any) {
				delete(obj(m, "object_attributes"), "oldrev")
				m["changes"] = map[string]any{"title": map[string]any{"previous": "Draft: x", "current": "x"}}
			}),
			ignored: "merge request !2 updated without new commits",
		},
		{
			name:      "opened from a fork",
			eventType: EventMergeRequest,
			body:      mr(fromFork),
			want:      with(forked),
		},
		{
			name:      "updated from a fork",
			eventType: EventMergeRequest,
			body:      mr(both(fromFork, action("update"), func(m map[string]any) { obj(m, "object_attributes")["oldrev"] = firstSHA })),
			want:      with(func(ev *pipeline.Event) { forked(ev); ev.Before = firstSHA }),
		},
		{
			name:      "source project unknown",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { delete(obj(m, "object_attributes"), "source_project_id") }),
			want:      with(forked),
		},
		{
			name:      "opened in a private project of a subgroup, by nobody known",
			eventType: EventMergeRequest,
			body: mr(func(m map[string]any) {
				inSubgroup(m)
				obj(m, "project")["visibility_level"] = 0
				m["user"] = nil
			}),
			want: with(func(ev *pipeline.Event) {
				ev.Repo = subgroupDiaspora
				ev.Repo.Private = true
				ev.Author = ""
			}),
		},
		{name: "closed", eventType: EventMergeRequest, body: mr(action("close")), want: with(func(ev *pipeline.Event) { ev.Kind = pipeline.Cleanup })},
		{name: "merged", eventType: EventMergeRequest, body: mr(action("merge")), want: with(func(ev *pipeline.Event) { ev.Kind = pipeline.Cleanup })},
		{
			name:      "closed from a fork",
			eventType: EventMergeRequest,
			body:      mr(both(fromFork, action("close"))),
			want:      with(func(ev *pipeline.Event) { forked(ev); ev.Kind = pipeline.Cleanup }),
		},
		{
			name:      "merged from a fork",
			eventType: EventMergeRequest,
			body:      mr(both(fromFork, action("merge"))),
			want:      with(func(ev *pipeline.Event) { forked(ev); ev.Kind = pipeline.Cleanup }),
		},
		{name: "approved", eventType: EventMergeRequest, body: mr(action("approved")), ignored: `merge request !1: action "approved" is not acted on`},
		{name: "unapproved", eventType: EventMergeRequest, body: mr(action("unapproved")), ignored: `merge request !1: action "unapproved" is not acted on`},

		{name: "without action", eventType: EventMergeRequest, body: mr(action("")), malformed: true},
		{name: "not JSON", eventType: EventMergeRequest, body: []byte("<xml/>"), malformed: true},
		{name: "JSON null", eventType: EventMergeRequest, body: []byte("null"), malformed: true},
		{
			name:      "iid of the wrong type",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { obj(m, "object_attributes")["iid"] = "1" }),
			malformed: true,
		},
		{
			name:      "no iid",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { delete(obj(m, "object_attributes"), "iid") }),
			malformed: true,
		},
		{
			name:      "negative iid",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { obj(m, "object_attributes")["iid"] = -1 }),
			malformed: true,
		},
		{
			name:      "iid out of range",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { obj(m, "object_attributes")["iid"] = int64(math.MaxInt32) + 1 }),
			malformed: true,
		},
		{
			name:      "impossible source branch",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { obj(m, "object_attributes")["source_branch"] = "-x" }),
			malformed: true,
		},
		{
			name:      "no last commit",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { delete(obj(m, "object_attributes"), "last_commit") }),
			malformed: true,
		},
		{
			name:      "closed with a zero last commit",
			eventType: EventMergeRequest,
			body: mr(both(action("close"), func(m map[string]any) {
				obj(obj(m, "object_attributes"), "last_commit")["id"] = zeroSHA
			})),
			malformed: true,
		},
		{
			name:      "no project",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { delete(m, "project") }),
			malformed: true,
		},
		{
			name:      "project path with an empty namespace",
			eventType: EventMergeRequest,
			body:      mr(func(m map[string]any) { obj(m, "project")["path_with_namespace"] = "/gitlab-test" }),
			malformed: true,
		},
	})
}

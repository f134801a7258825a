package github

import (
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const prSHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"

// pullRequest2 is what every pull_request example makes: pull request #2
// of Codertocat/Hello-World, branch changes into master, by an App.
func pullRequest2(kind pipeline.EventKind) pipeline.Event {
	return pipeline.Event{
		DeliveryID:     delivery,
		Kind:           kind,
		Repo:           helloWorld,
		Ref:            "refs/heads/changes",
		Branch:         "changes",
		Commit:         prSHA,
		Message:        "Update the README with new information.",
		Author:         "Codertocat",
		PullRequest:    2,
		InstallationID: 1,
	}
}

// synchronized is ev after a push to its head, as the synchronize
// example has it.
func synchronized(ev pipeline.Event) pipeline.Event {
	ev.Before = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	return ev
}

func TestParsePullRequest(t *testing.T) {
	// A fork's pull request builds on its own branch, never the fork's
	// branch name, which could be any of the repository's.
	fork := func(kind pipeline.EventKind) pipeline.Event {
		ev := pullRequest2(kind)
		ev.Fork, ev.Ref, ev.Branch = true, "refs/pull/2/head", "pr:2"
		return ev
	}
	fromFork := fork(pipeline.PullRequest)

	headRepo := func(m map[string]any) map[string]any { return obj(obj(obj(m, "pull_request"), "head"), "repo") }
	pr := func(m map[string]any) map[string]any { return obj(m, "pull_request") }

	runParseCases(t, []parseCase{
		{name: "opened", eventType: "pull_request", body: fixture(t, "pull_request_opened.json"), want: pullRequest2(pipeline.PullRequest)},
		{name: "opened with no body", eventType: "pull_request", body: fixture(t, "pull_request_opened_with-null-body.json"), want: pullRequest2(pipeline.PullRequest)},
		{name: "synchronize", eventType: "pull_request", body: fixture(t, "pull_request_synchronize.json"), want: synchronized(pullRequest2(pipeline.PullRequest))},
		{name: "reopened", eventType: "pull_request", body: fixture(t, "pull_request_reopened.json"), want: pullRequest2(pipeline.PullRequest)},
		{name: "closed unmerged", eventType: "pull_request", body: fixture(t, "pull_request_closed.json"), want: pullRequest2(pipeline.Cleanup)},
		{
			name:      "closed merged",
			eventType: "pull_request",
			body: patched(t, "pull_request_closed.json", func(m map[string]any) {
				pr(m)["merged"] = true
				pr(m)["merge_commit_sha"] = helloSHA
			}),
			want: pullRequest2(pipeline.Cleanup),
		},
		// The fixture is opened.payload.json with head.repo moved to a
		// fork, Octocat/Hello-World: octokit has no example from a fork.
		{name: "opened from a fork", eventType: "pull_request", body: fixture(t, "pull_request_opened_from-fork.json"), want: fromFork},
		{
			name:      "synchronize from a fork since deleted",
			eventType: "pull_request",
			body: patched(t, "pull_request_synchronize.json", func(m map[string]any) {
				obj(pr(m), "head")["repo"] = nil
			}),
			want: synchronized(fromFork),
		},
		{
			name:      "opened from a head repo without full_name",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { delete(headRepo(m), "full_name") }),
			want:      fromFork,
		},
		{
			name:      "opened in a private repository, nested branch, no App",
			eventType: "pull_request",
			body: patched(t, "pull_request_opened.json", func(m map[string]any) {
				delete(m, "installation")
				m["number"] = 41
				head := obj(pr(m), "head")
				head["ref"] = "feature/login"
				head["sha"] = sha256Hex
				headRepo(m)["private"] = true
				base := obj(obj(pr(m), "base"), "repo")
				base["private"] = true
				base["default_branch"] = "main"
				pr(m)["title"] = "Add login"
				obj(pr(m), "user")["login"] = "octo-cat"
			}),
			want: pipeline.Event{
				DeliveryID:  delivery,
				Kind:        pipeline.PullRequest,
				Repo:        privateHelloWorld,
				Ref:         "refs/heads/feature/login",
				Branch:      "feature/login",
				Commit:      sha256Hex,
				Message:     "Add login",
				Author:      "octo-cat",
				PullRequest: 41,
			},
		},
		{
			name:      "closed from a fork",
			eventType: "pull_request",
			body: patched(t, "pull_request_opened_from-fork.json", func(m map[string]any) {
				m["action"] = "closed"
			}),
			want: fork(pipeline.Cleanup),
		},
		{
			name:      "closed from a fork since deleted",
			eventType: "pull_request",
			body: patched(t, "pull_request_closed.json", func(m map[string]any) {
				obj(pr(m), "head")["repo"] = nil
			}),
			want: fork(pipeline.Cleanup),
		},
		{name: "labeled", eventType: "pull_request", body: fixture(t, "pull_request_labeled.json"), ignored: `pull request #2: action "labeled" is not acted on`},
		{
			name:      "edited",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { m["action"] = "edited" }),
			ignored:   `pull request #2: action "edited" is not acted on`,
		},
		{
			name:      "ready for review",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { m["action"] = "ready_for_review" }),
			ignored:   `pull request #2: action "ready_for_review" is not acted on`,
		},

		{name: "not JSON", eventType: "pull_request", body: []byte("{"), malformed: true},
		{name: "JSON null", eventType: "pull_request", body: []byte("null"), malformed: true},
		{
			name:      "no action",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { delete(m, "action") }),
			malformed: true,
		},
		{
			name:      "action of a wrong type",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { m["action"] = 1 }),
			malformed: true,
		},
		{
			name:      "no number",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { delete(m, "number") }),
			malformed: true,
		},
		{
			name:      "number zero",
			eventType: "pull_request",
			body:      patched(t, "pull_request_closed.json", func(m map[string]any) { m["number"] = 0 }),
			malformed: true,
		},
		{
			name:      "negative number",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { m["number"] = -2 }),
			malformed: true,
		},
		{
			name:      "number as a string",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { m["number"] = "2" }),
			malformed: true,
		},
		{
			name:      "no pull_request",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { delete(m, "pull_request") }),
			malformed: true,
		},
		{
			name:      "no head",
			eventType: "pull_request",
			body:      patched(t, "pull_request_synchronize.json", func(m map[string]any) { pr(m)["head"] = nil }),
			malformed: true,
		},
		{
			name:      "no base",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { delete(pr(m), "base") }),
			malformed: true,
		},
		{
			name:      "base without repo",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { obj(pr(m), "base")["repo"] = nil }),
			malformed: true,
		},
		{
			name:      "base repo whose name is a path",
			eventType: "pull_request",
			body: patched(t, "pull_request_opened.json", func(m map[string]any) {
				obj(obj(pr(m), "base"), "repo")["name"] = ".."
			}),
			malformed: true,
		},
		{
			name:      "base repo without clone_url",
			eventType: "pull_request",
			body: patched(t, "pull_request_opened.json", func(m map[string]any) {
				delete(obj(obj(pr(m), "base"), "repo"), "clone_url")
			}),
			malformed: true,
		},
		{
			name:      "head sha that is no SHA",
			eventType: "pull_request",
			body:      patched(t, "pull_request_synchronize.json", func(m map[string]any) { obj(pr(m), "head")["sha"] = "HEAD" }),
			malformed: true,
		},
		{
			name:      "head sha in capitals",
			eventType: "pull_request",
			body: patched(t, "pull_request_opened.json", func(m map[string]any) {
				obj(pr(m), "head")["sha"] = "EC26C3E57CA3A959CA5AAD62DE7213C562F8C821"
			}),
			malformed: true,
		},
		{
			name:      "head sha all zeros",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { obj(pr(m), "head")["sha"] = zeroSHA }),
			malformed: true,
		},
		{
			name:      "closed without head sha",
			eventType: "pull_request",
			body:      patched(t, "pull_request_closed.json", func(m map[string]any) { delete(obj(pr(m), "head"), "sha") }),
			malformed: true,
		},
		{
			name:      "head ref that is no branch",
			eventType: "pull_request",
			body:      patched(t, "pull_request_opened.json", func(m map[string]any) { obj(pr(m), "head")["ref"] = "-x" }),
			malformed: true,
		},
		{
			name:      "head ref escaping",
			eventType: "pull_request",
			body: patched(t, "pull_request_closed.json", func(m map[string]any) {
				obj(pr(m), "head")["ref"] = "../../etc"
			}),
			malformed: true,
		},
		{
			name:      "closed fork with a bad head sha",
			eventType: "pull_request",
			body: patched(t, "pull_request_opened_from-fork.json", func(m map[string]any) {
				m["action"] = "closed"
				obj(pr(m), "head")["sha"] = "x"
			}),
			malformed: true,
		},
	})
}

func BenchmarkParsePullRequest(b *testing.B) {
	body := fixture(b, "pull_request_synchronize.json")
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(EventPullRequest, delivery, body); err != nil {
			b.Fatal(err)
		}
	}
}

package github

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const (
	checkRunSHA   = "d6fde92930d4715a2b49857d24b940956b26d2d3"
	checkSuiteSHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	// helloWorldID is Codertocat/Hello-World's repository id.
	helloWorldID = 186853002
)

// githubHelloWorld is the repository of the check_run example.
var githubHelloWorld = pipeline.Repo{
	Provider:      pipeline.GitHub,
	Owner:         "github",
	Name:          "hello-world",
	CloneURL:      "http://github.com/github/hello-world.git",
	HTMLURL:       "http://github.com/github/hello-world",
	DefaultBranch: "master",
}

// pullRequestRef is a pull request as check suites list them, into the
// repository with id baseRepo.
func pullRequestRef(number int, baseRepo int64) map[string]any {
	return map[string]any{
		"number": number,
		"head":   map[string]any{"ref": "changes", "sha": checkSuiteSHA},
		"base":   map[string]any{"ref": "master", "repo": map[string]any{"id": baseRepo}},
	}
}

func TestParseCheckRun(t *testing.T) {
	rerun := pipeline.Event{
		DeliveryID: delivery, Kind: pipeline.Push, Repo: githubHelloWorld,
		Ref: "refs/heads/master", Branch: "master", Commit: checkRunSHA,
		Message: "check run randscape re-requested", Author: "octocat", InstallationID: 1,
	}
	withPR := rerun
	withPR.PullRequest = 5
	action := func(a string) []byte {
		return patched(t, "check_run_rerequested.json", func(m map[string]any) { m["action"] = a })
	}
	suite := func(edit func(s map[string]any)) []byte {
		return patched(t, "check_run_rerequested.json", func(m map[string]any) { edit(obj(obj(m, "check_run"), "check_suite")) })
	}
	runParseCases(t, []parseCase{
		{name: "re-requested", eventType: "check_run", body: fixture(t, "check_run_rerequested.json"), want: rerun},
		{
			name:      "re-requested on a pull request's head",
			eventType: "check_run",
			body: suite(func(s map[string]any) {
				s["pull_requests"] = []any{pullRequestRef(5, 526), pullRequestRef(6, 526)}
			}),
			want: withPR,
		},
		{
			name:      "re-requested on the head of pull requests into this and another repository",
			eventType: "check_run",
			body: suite(func(s map[string]any) {
				s["pull_requests"] = []any{pullRequestRef(9, 1), pullRequestRef(5, 526)}
			}),
			want: withPR,
		},
		{
			name:      "re-requested, the pull request listed by the run alone",
			eventType: "check_run",
			body: patched(t, "check_run_rerequested.json", func(m map[string]any) {
				obj(m, "check_run")["pull_requests"] = []any{pullRequestRef(5, 526)}
			}),
			want: withPR,
		},
		{
			name:      "re-requested on a fork's commit",
			eventType: "check_run",
			body:      suite(func(s map[string]any) { s["head_branch"] = nil }),
			ignored:   "check run randscape re-requested on a commit of no branch here (a fork's?): not rebuilt",
		},
		{name: "created", eventType: "check_run", body: action("created"), ignored: `check run randscape: action "created" is not acted on`},
		{name: "completed", eventType: "check_run", body: action("completed"), ignored: `check run randscape: action "completed" is not acted on`},
		{name: "requested action", eventType: "check_run", body: action("requested_action"), ignored: `check run randscape: action "requested_action" is not acted on`},

		{name: "not JSON", eventType: "check_run", body: []byte("{"), malformed: true},
		{name: "JSON null", eventType: "check_run", body: []byte("null"), malformed: true},
		{name: "no action", eventType: "check_run", body: action(""), malformed: true},
		{
			name:      "no check run",
			eventType: "check_run",
			body:      patched(t, "check_run_rerequested.json", func(m map[string]any) { delete(m, "check_run") }),
			malformed: true,
		},
		{
			name:      "head sha that is no SHA",
			eventType: "check_run",
			body:      patched(t, "check_run_rerequested.json", func(m map[string]any) { obj(m, "check_run")["head_sha"] = "HEAD" }),
			malformed: true,
		},
		{name: "impossible branch name", eventType: "check_run", body: suite(func(s map[string]any) { s["head_branch"] = "-x" }), malformed: true},
		{
			name:      "no repository",
			eventType: "check_run",
			body:      patched(t, "check_run_rerequested.json", func(m map[string]any) { delete(m, "repository") }),
			malformed: true,
		},
		{
			name:      "pull request number of a wrong type",
			eventType: "check_run",
			body:      suite(func(s map[string]any) { s["pull_requests"] = []any{map[string]any{"number": "5"}} }),
			malformed: true,
		},
	})
}

func TestParseCheckSuite(t *testing.T) {
	rerun := pipeline.Event{
		DeliveryID: delivery, Kind: pipeline.Push, Repo: helloWorld,
		Ref: "refs/heads/changes", Branch: "changes", Commit: checkSuiteSHA, PullRequest: 2,
		Message: "check suite re-requested", Author: "octocoders-linter[bot]", InstallationID: 957387,
	}
	noPR := rerun
	noPR.PullRequest = 0
	suite := func(edit func(s map[string]any)) []byte {
		return patched(t, "check_suite_rerequested.json", func(m map[string]any) { edit(obj(m, "check_suite")) })
	}
	runParseCases(t, []parseCase{
		{name: "re-requested on a pull request's head", eventType: "check_suite", body: fixture(t, "check_suite_rerequested.json"), want: rerun},
		{name: "re-requested on a branch", eventType: "check_suite", body: suite(func(s map[string]any) { s["pull_requests"] = []any{} }), want: noPR},
		{
			name:      "re-requested on the head of a pull request into another repository",
			eventType: "check_suite",
			body:      suite(func(s map[string]any) { s["pull_requests"] = []any{pullRequestRef(9, 1)} }),
			want:      noPR,
		},
		{
			name:      "re-requested on a fork's commit",
			eventType: "check_suite",
			body: suite(func(s map[string]any) {
				s["head_branch"] = nil
				s["pull_requests"] = []any{}
			}),
			ignored: "check suite 118578147 re-requested on a commit of no branch here (a fork's?): not rebuilt",
		},
		{name: "requested by a push", eventType: "check_suite", body: fixture(t, "check_suite_requested.json"), ignored: `check suite 118578174: action "requested" is not acted on`},
		{
			name:      "completed",
			eventType: "check_suite",
			body:      patched(t, "check_suite_rerequested.json", func(m map[string]any) { m["action"] = "completed" }),
			ignored:   `check suite 118578147: action "completed" is not acted on`,
		},

		{name: "not JSON", eventType: "check_suite", body: []byte("action=rerequested"), malformed: true},
		{
			name:      "no check suite",
			eventType: "check_suite",
			body:      patched(t, "check_suite_rerequested.json", func(m map[string]any) { m["check_suite"] = nil }),
			malformed: true,
		},
		{name: "zero head sha", eventType: "check_suite", body: suite(func(s map[string]any) { s["head_sha"] = zeroSHA }), malformed: true},
		{name: "branch name of a wrong type", eventType: "check_suite", body: suite(func(s map[string]any) { s["head_branch"] = 1 }), malformed: true},
		{
			name:      "repository name that is a path",
			eventType: "check_suite",
			body:      patched(t, "check_suite_rerequested.json", func(m map[string]any) { obj(m, "repository")["name"] = ".." }),
			malformed: true,
		},
	})
}

func TestParseCheckNeedsDeliveryID(t *testing.T) {
	for _, c := range []struct{ eventType, file string }{
		{"check_run", "check_run_rerequested.json"},
		{"check_suite", "check_suite_rerequested.json"},
	} {
		_, err := Parse(c.eventType, "", fixture(t, c.file))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "X-GitHub-Delivery") {
			t.Errorf("Parse(%q) without delivery id: error = %v, want ErrMalformed naming the header", c.eventType, err)
		}
	}
}

func TestPullRequestOf(t *testing.T) {
	for _, tt := range []struct {
		name   string
		prs    string
		repoID int64
		want   int
	}{
		{name: "none", prs: `[]`, repoID: helloWorldID, want: 0},
		{name: "first of this repository", prs: `[{"number":3,"base":{"repo":{"id":186853002}}},{"number":4,"base":{"repo":{"id":186853002}}}]`, repoID: helloWorldID, want: 3},
		{name: "skips another repository's", prs: `[{"number":3,"base":{"repo":{"id":1}}},{"number":4,"base":{"repo":{"id":186853002}}}]`, repoID: helloWorldID, want: 4},
		{name: "only another repository's", prs: `[{"number":3,"base":{"repo":{"id":1}}}]`, repoID: helloWorldID, want: 0},
		{name: "no base id", prs: `[{"number":3,"base":{"repo":{}}}]`, repoID: helloWorldID, want: 3},
		{name: "no base", prs: `[{"number":3,"base":null}]`, repoID: helloWorldID, want: 3},
		{name: "no repository id", prs: `[{"number":3,"base":{"repo":{"id":1}}}]`, want: 3},
		{name: "no number", prs: `[{}, {"number":0}, {"number":-1}, {"number":8}]`, want: 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var prs []jsonCheckPullRequest
			if err := json.Unmarshal([]byte(tt.prs), &prs); err != nil {
				t.Fatal(err)
			}
			if got := pullRequestOf(prs, tt.repoID); got != tt.want {
				t.Errorf("pullRequestOf(%s) = %d, want %d", tt.prs, got, tt.want)
			}
		})
	}
}

package github

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const (
	delivery  = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
	helloSHA  = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
	zeroSHA   = "0000000000000000000000000000000000000000"
	sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

// fixture reads a real payload from testdata (see testdata/README.md).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// patched returns a fixture with edit applied to its decoded JSON, for the
// cases GitHub sends that the collected examples do not cover.
func patched(t testing.TB, name string, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixture(t, name), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// helloWorld is the repository of every push example.
var helloWorld = pipeline.Repo{
	Provider:      pipeline.GitHub,
	Owner:         "Codertocat",
	Name:          "Hello-World",
	CloneURL:      "https://github.com/Codertocat/Hello-World.git",
	HTMLURL:       "https://github.com/Codertocat/Hello-World",
	DefaultBranch: "master",
}

// privateHelloWorld is the repository as the patched payloads make it:
// private, its default branch main.
var privateHelloWorld = func() pipeline.Repo {
	r := helloWorld
	r.DefaultBranch, r.Private = "main", true
	return r
}()

func TestParse(t *testing.T) {
	newBranch := pipeline.Event{
		DeliveryID:     delivery,
		Kind:           pipeline.Push,
		Repo:           helloWorld,
		Ref:            "refs/heads/master",
		Branch:         "master",
		Commit:         helloSHA,
		Message:        "Initial commit",
		Author:         "Codertocat",
		InstallationID: 1,
	}
	runParseCases(t, []parseCase{
		{
			name:      "push creating a branch",
			eventType: "push",
			body:      fixture(t, "push_with-new-branch.json"),
			want:      newBranch,
		},
		{
			name:      "push whose committer has no username",
			eventType: "push",
			body:      fixture(t, "push_with-no-username-committer.json"),
			want:      newBranch,
		},
		{
			name:      "push to an existing nested branch of a private repo, no App",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["ref"] = "refs/heads/feature/login"
				m["before"] = helloSHA
				m["after"] = "a10867b14bb761a232cd80139fbd4c0d33264240"
				m["created"] = false
				delete(m, "installation")
				repo := obj(m, "repository")
				repo["private"] = true
				delete(obj(repo, "owner"), "login")
				delete(repo, "default_branch")
				repo["master_branch"] = "main"
				hc := obj(m, "head_commit")
				hc["message"] = "Add login\n\nWith a body."
				delete(obj(hc, "author"), "name")
			}),
			want: pipeline.Event{
				DeliveryID: delivery,
				Kind:       pipeline.Push,
				Repo:       privateHelloWorld,
				Ref:        "refs/heads/feature/login",
				Branch:     "feature/login",
				Commit:     "a10867b14bb761a232cd80139fbd4c0d33264240",
				Before:     helloSHA,
				Message:    "Add login\n\nWith a body.",
				Author:     "Codertocat",
			},
		},
		{
			name:      "push in a SHA-256 repository without head_commit",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["after"] = sha256Hex
				m["head_commit"] = nil
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Push, Repo: helloWorld,
				Ref: "refs/heads/master", Branch: "master", Commit: sha256Hex, InstallationID: 1,
			},
		},
		{name: "tag deletion", eventType: "push", body: fixture(t, "push.json"), ignored: "tag simple-tag deleted: nothing to build"},
		{name: "tag deletion by an App", eventType: "push", body: fixture(t, "push_with-installation.json"), ignored: "tag simple-tag deleted: nothing to build"},
		{name: "tag deletion in an organization", eventType: "push", body: fixture(t, "push_with-organization.json"), ignored: "tag simple-tag deleted: nothing to build"},
		{
			name:      "tag creation",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["ref"] = "refs/tags/v1.0.0"
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Tag, Repo: helloWorld, Ref: "refs/tags/v1.0.0", Tag: "v1.0.0",
				Commit: helloSHA, Message: "Initial commit", Author: "Codertocat", InstallationID: 1,
			},
		},
		{
			name:      "annotated tag: after is the tag object, head_commit the commit",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["ref"] = "refs/tags/release/2026.11"
				m["after"] = "a10867b14bb761a232cd80139fbd4c0d33264240"
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Tag, Repo: helloWorld, Ref: "refs/tags/release/2026.11", Tag: "release/2026.11",
				Commit: helloSHA, Message: "Initial commit", Author: "Codertocat", InstallationID: 1,
			},
		},
		{
			name:      "tag that git would refuse",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["ref"] = "refs/tags/v1..2"
			}),
			malformed: true,
		},
		{
			name:      "branch deletion",
			eventType: "push",
			body: patched(t, "push.json", func(m map[string]any) {
				m["ref"] = "refs/heads/feature"
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: helloWorld,
				Ref: "refs/heads/feature", Branch: "feature",
			},
		},
		{
			name:      "branch deletion told only by a zero after, by an App",
			eventType: "push",
			body: patched(t, "push_with-installation.json", func(m map[string]any) {
				m["ref"] = "refs/heads/feature/login"
				delete(m, "deleted")
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: helloWorld,
				Ref: "refs/heads/feature/login", Branch: "feature/login", InstallationID: 1,
			},
		},
		{
			name:      "branch deletion told only by deleted",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["ref"] = "refs/heads/feature"
				m["deleted"] = true
				m["head_commit"] = nil
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: helloWorld,
				Ref: "refs/heads/feature", Branch: "feature", InstallationID: 1,
			},
		},
		{
			name:      "deletion of an impossible branch name",
			eventType: "push",
			body: patched(t, "push.json", func(m map[string]any) {
				m["ref"] = "refs/heads/a..b"
			}),
			malformed: true,
		},
		{
			name:      "branch deletion without repository",
			eventType: "push",
			body: patched(t, "push.json", func(m map[string]any) {
				m["ref"] = "refs/heads/feature"
				delete(m, "repository")
			}),
			malformed: true,
		},
		{
			name:      "push of a ref that is not a branch",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				m["ref"] = "refs/notes/commits"
			}),
			ignored: "push of refs/notes/commits ignored: not a branch or tag",
		},
		{name: "ping", eventType: "ping", body: fixture(t, "ping.json"), ignored: "pong: webhook 109948940 is set up"},
		{name: "ping of an App", eventType: "ping", body: fixture(t, "ping_with-app_id.json"), ignored: "pong: webhook 109948940 is set up"},
		{name: "issue comment", eventType: "issue_comment", body: fixture(t, "issue_comment_created.json"), ignored: `event "issue_comment" is not acted on`},
		{name: "issues", eventType: "issues", body: []byte(`{"action":"opened"}`), ignored: `event "issues" is not acted on`},
		{name: "create", eventType: "create", body: fixture(t, "create.json"), ignored: `event "create" is not acted on`},
		{name: "check suite", eventType: "check_suite", body: fixture(t, "check_suite_requested.json"), ignored: `check suite 118578174: action "requested" is not acted on`},
		{name: "event go-github does not know", eventType: "made_up", body: []byte(`{}`), ignored: `event "made_up" is not acted on`},

		{name: "no event type", eventType: "", body: fixture(t, "push_with-new-branch.json"), malformed: true},
		{name: "push that is not JSON", eventType: "push", body: []byte("payload=%7B%7D"), malformed: true},
		{name: "other event that is not JSON", eventType: "issues", body: []byte("{"), malformed: true},
		{name: "empty body", eventType: "push", body: nil, malformed: true},
		{name: "JSON null", eventType: "push", body: []byte("null"), malformed: true},
		{name: "JSON array", eventType: "push", body: []byte("[]"), malformed: true},
		{name: "ping with a wrongly typed field", eventType: "ping", body: []byte(`{"hook_id":"x"}`), malformed: true},
		{
			name:      "push with a wrongly typed field",
			eventType: "push",
			body:      patched(t, "push_with-new-branch.json", func(m map[string]any) { m["ref"] = 5 }),
			malformed: true,
		},
		{
			name:      "push without repository",
			eventType: "push",
			body:      patched(t, "push_with-new-branch.json", func(m map[string]any) { delete(m, "repository") }),
			malformed: true,
		},
		{
			name:      "push without ref",
			eventType: "push",
			body:      patched(t, "push_with-new-branch.json", func(m map[string]any) { delete(m, "ref") }),
			malformed: true,
		},
		{
			name:      "push whose after is no SHA",
			eventType: "push",
			body:      patched(t, "push_with-new-branch.json", func(m map[string]any) { m["after"] = "HEAD" }),
			malformed: true,
		},
		{
			name:      "push of an impossible branch name",
			eventType: "push",
			body:      patched(t, "push_with-new-branch.json", func(m map[string]any) { m["ref"] = "refs/heads/a/../../etc" }),
			malformed: true,
		},
		{
			name:      "push of an empty branch name",
			eventType: "push",
			body:      patched(t, "push_with-new-branch.json", func(m map[string]any) { m["ref"] = "refs/heads/" }),
			malformed: true,
		},
		{
			name:      "push whose repository name is a path",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				obj(m, "repository")["name"] = "../secrets"
			}),
			malformed: true,
		},
		{
			name:      "push whose owner has no name",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				obj(m, "repository")["owner"] = map[string]any{}
			}),
			malformed: true,
		},
		{
			name:      "push without clone_url",
			eventType: "push",
			body: patched(t, "push_with-new-branch.json", func(m map[string]any) {
				delete(obj(m, "repository"), "clone_url")
			}),
			malformed: true,
		},
	})
}

// parseCase is a delivery and what Parse must make of it.
type parseCase struct {
	name      string
	eventType string
	body      []byte
	want      pipeline.Event
	// ignored is the reason expected of an *IgnoredError.
	ignored string
	// malformed expects ErrMalformed.
	malformed bool
}

func runParseCases(t *testing.T, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.eventType, delivery, tt.body)
			switch {
			case tt.malformed:
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Parse() error = %v, want ErrMalformed", err)
				}
				if _, ok := IsIgnored(err); ok {
					t.Fatalf("Parse() error %v is both malformed and ignored", err)
				}
			case tt.ignored != "":
				ie, ok := IsIgnored(err)
				if !ok {
					t.Fatalf("Parse() error = %v, want an *IgnoredError", err)
				}
				if ie.Reason != tt.ignored || err.Error() != tt.ignored {
					t.Errorf("reason = %q, want %q", ie.Reason, tt.ignored)
				}
				if ie.Event != tt.eventType {
					t.Errorf("IgnoredError.Event = %q, want %q", ie.Event, tt.eventType)
				}
				if errors.Is(err, ErrMalformed) {
					t.Errorf("ignored delivery also reported as malformed: %v", err)
				}
			default:
				if err != nil {
					t.Fatalf("Parse() error = %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Parse() =\n %+v\nwant\n %+v", got, tt.want)
				}
			}
		})
	}
}

func TestParseNeedsDeliveryID(t *testing.T) {
	branchDeleted := patched(t, "delete.json", func(m map[string]any) { m["ref_type"] = "branch" })
	for _, c := range []struct {
		eventType string
		body      []byte
	}{
		{"push", fixture(t, "push_with-new-branch.json")},
		{"push", patched(t, "push.json", func(m map[string]any) { m["ref"] = "refs/heads/feature" })},
		{"pull_request", fixture(t, "pull_request_opened.json")},
		{"pull_request", fixture(t, "pull_request_closed.json")},
		{"delete", branchDeleted},
	} {
		_, err := Parse(c.eventType, "", c.body)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "X-GitHub-Delivery") {
			t.Errorf("Parse(%q) without delivery id: error = %v, want ErrMalformed naming the header", c.eventType, err)
		}
	}
}

func TestIgnoredReasonIsPrintable(t *testing.T) {
	body := patched(t, "push_with-new-branch.json", func(m map[string]any) {
		m["ref"] = "refs/notes/\x1b[31mred\n" + strings.Repeat("x", 300)
	})
	_, err := Parse("push", delivery, body)
	ie, ok := IsIgnored(err)
	if !ok {
		t.Fatalf("Parse() error = %v, want an *IgnoredError", err)
	}
	if strings.ContainsAny(ie.Reason, "\x1b\n") || len(ie.Reason) > 200 {
		t.Errorf("reason %q carries control characters or is too long", ie.Reason)
	}
}

// TestParseTakesTheSafeSideOfMissingFields: a push whose repository names
// no default branch could not be told from production, and is refused; one
// that does not say whether it is private is taken as private.
func TestParseTakesTheSafeSideOfMissingFields(t *testing.T) {
	noDefault := patched(t, "push_with-new-branch.json", func(m map[string]any) {
		delete(obj(m, "repository"), "default_branch")
		delete(obj(m, "repository"), "master_branch")
	})
	if _, err := Parse(EventPush, delivery, noDefault); err == nil || !strings.Contains(err.Error(), "no default_branch") {
		t.Errorf("push without a default branch: %v, want it refused", err)
	}
	noPrivate := patched(t, "push_with-new-branch.json", func(m map[string]any) { delete(obj(m, "repository"), "private") })
	ev, err := Parse(EventPush, delivery, noPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Repo.Private {
		t.Error("a repository of unknown visibility was taken as public")
	}
}

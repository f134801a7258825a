package gitlab

import (
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// tagSHA is the commit of the tag_push example.
const tagSHA = "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7"

// diaspora is the project of the push examples: private (level 0).
var diaspora = pipeline.Repo{
	Provider:      pipeline.GitLab,
	Owner:         "mike",
	Name:          "diaspora",
	CloneURL:      "http://example.com/mike/diaspora.git",
	HTMLURL:       "http://example.com/mike/diaspora",
	DefaultBranch: "master",
	Private:       true,
}

// inSubgroup moves a payload's project to group/sub/diaspora, public.
func inSubgroup(m map[string]any) {
	p := obj(m, "project")
	p["path_with_namespace"] = "group/sub/diaspora"
	p["web_url"] = "https://gitlab.example.com/group/sub/diaspora"
	p["git_http_url"] = "https://gitlab.example.com/group/sub/diaspora.git"
	p["default_branch"] = "main"
	p["visibility_level"] = 20
}

var subgroupDiaspora = pipeline.Repo{
	Provider:      pipeline.GitLab,
	Owner:         "group/sub",
	Name:          "diaspora",
	CloneURL:      "https://gitlab.example.com/group/sub/diaspora.git",
	HTMLURL:       "https://gitlab.example.com/group/sub/diaspora",
	DefaultBranch: "main",
}

func TestParsePush(t *testing.T) {
	headPush := pipeline.Event{
		DeliveryID: delivery,
		Kind:       pipeline.Push,
		Repo:       diaspora,
		Ref:        "refs/heads/master",
		Branch:     "master",
		Commit:     headSHA,
		Before:     "95790bf891e76fee5e1747ab589903a6a1f80f22",
		Message:    "fixed readme\n",
		Author:     "GitLab dev user",
	}
	withRepo := func(ev pipeline.Event, r pipeline.Repo) pipeline.Event { ev.Repo = r; return ev }
	runParseCases(t, []parseCase{
		{name: "push of two commits", eventType: EventPush, body: fixture(t, "push.json"), want: headPush},
		{
			name:      "push to a nested branch of a public project in a subgroup",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				inSubgroup(m)
				m["ref"] = "refs/heads/feature/login"
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Push, Repo: subgroupDiaspora,
				Ref: "refs/heads/feature/login", Branch: "feature/login", Commit: headSHA, Before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
				Message: "fixed readme\n", Author: "GitLab dev user",
			},
		},
		{
			name:      "head commit listed first",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["after"], m["checkout_sha"] = firstSHA, firstSHA
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Push, Repo: diaspora,
				Ref: "refs/heads/master", Branch: "master", Commit: firstSHA, Before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
				Message: "Merge branch 'some-feature' into 'master'\n\nRelease v1.0.0\n\nSee merge request jsmith/example!1",
				Author:  "Jordi Mallach",
			},
		},
		{
			name:      "head commit beyond the 20 listed",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["after"], m["checkout_sha"] = newSHA, newSHA
			}),
			want: func() pipeline.Event { ev := headPush; ev.Commit = newSHA; return ev }(),
		},
		{
			name:      "new branch at an existing commit lists no commits",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["ref"], m["before"], m["commits"], m["total_commits_count"] = "refs/heads/release", zeroSHA, []any{}, 0
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Push, Repo: diaspora,
				Ref: "refs/heads/release", Branch: "release", Commit: headSHA, Author: "jsmith",
			},
		},
		{
			name:      "a null among the commits",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["commits"] = []any{nil}
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Push, Repo: diaspora, Before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
				Ref: "refs/heads/master", Branch: "master", Commit: headSHA, Author: "jsmith",
			},
		},
		{
			name:      "no checkout_sha",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["checkout_sha"] = nil }),
			want:      headPush,
		},
		{
			name:      "SHA-256 repository",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["after"], m["checkout_sha"], m["commits"] = sha256Hex, sha256Hex, nil
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Push, Repo: diaspora,
				Ref: "refs/heads/master", Branch: "master", Commit: sha256Hex, Author: "jsmith",
				Before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
			},
		},
		{
			name:      "internal project",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["visibility_level"] = 10 }),
			want:      headPush,
		},
		{
			name:      "public project",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["visibility_level"] = 20 }),
			want:      withRepo(headPush, func() pipeline.Repo { r := diaspora; r.Private = false; return r }()),
		},
		{
			name:      "public project told by visibility alone",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				p := obj(m, "project")
				delete(p, "visibility_level")
				p["visibility"] = "public"
			}),
			want: withRepo(headPush, func() pipeline.Repo { r := diaspora; r.Private = false; return r }()),
		},
		{
			name:      "project that says nothing of its visibility",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { delete(obj(m, "project"), "visibility_level") }),
			want:      headPush,
		},
		{
			name:      "branch deletion",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				inSubgroup(m)
				m["ref"], m["before"], m["after"], m["checkout_sha"] = "refs/heads/feature/login", headSHA, zeroSHA, nil
				m["commits"], m["total_commits_count"] = []any{}, 0
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: subgroupDiaspora,
				Ref: "refs/heads/feature/login", Branch: "feature/login",
			},
		},
		{
			name:      "tag push",
			eventType: EventTagPush,
			body:      fixture(t, "tag_push.json"),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Tag, Ref: "refs/tags/v1.0.0", Tag: "v1.0.0", Commit: tagSHA,
				Repo: pipeline.Repo{Provider: pipeline.GitLab, Owner: "jsmith", Name: "example", CloneURL: "http://example.com/jsmith/example.git",
					HTMLURL: "http://example.com/jsmith/example", DefaultBranch: "master", Private: true},
				Message: "Merge branch 'some-feature' into 'master'\n\nRelease v1.0.0\n\nSee merge request jsmith/example!1",
				Author:  "John Smith",
			},
		},
		{
			name:      "annotated tag: after is the tag object, checkout_sha the commit",
			eventType: EventTagPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["ref"], m["after"] = "refs/tags/release/2026.11", strings.Repeat("e", 40)
			}),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Tag, Repo: diaspora, Ref: "refs/tags/release/2026.11", Tag: "release/2026.11",
				Commit: headSHA, Message: "fixed readme\n", Author: "GitLab dev user",
			},
		},
		{
			name:      "tag deletion",
			eventType: EventTagPush,
			body: patched(t, "tag_push.json", func(m map[string]any) {
				m["after"], m["checkout_sha"], m["commits"] = zeroSHA, nil, []any{}
			}),
			ignored: "tag v1.0.0 deleted: nothing to build",
		},
		{
			name:      "tag git would refuse",
			eventType: EventTagPush,
			body:      patched(t, "tag_push.json", func(m map[string]any) { m["ref"] = "refs/tags/v1.0.0.lock" }),
			malformed: true,
		},
		{
			name:      "push of a ref that is not a branch",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["ref"] = "refs/notes/commits" }),
			ignored:   "push of refs/notes/commits ignored: not a branch or tag",
		},
		{
			name:      "system hook",
			eventType: EventSystem,
			body:      fixture(t, "system_hook_push.json"),
			ignored:   "system hooks are not acted on: add a project or group webhook",
		},
		{name: "pipeline", eventType: "Pipeline Hook", body: fixture(t, "pipeline.json"), ignored: `event "Pipeline Hook" is not acted on`},
		{name: "comment", eventType: "Note Hook", body: fixture(t, "note_merge_request.json"), ignored: `event "Note Hook" is not acted on`},
		{name: "event client-go does not know", eventType: "Made Up Hook", body: []byte(`{}`), ignored: `event "Made Up Hook" is not acted on`},

		{name: "no event type", eventType: "", body: fixture(t, "push.json"), malformed: true},
		{name: "push that is not JSON", eventType: EventPush, body: []byte("ref=refs/heads/main"), malformed: true},
		{name: "tag push that is not JSON", eventType: EventTagPush, body: []byte("{"), malformed: true},
		{name: "system hook that is not JSON", eventType: EventSystem, body: []byte("{"), malformed: true},
		{name: "other event that is not JSON", eventType: "Pipeline Hook", body: []byte("{"), malformed: true},
		{name: "empty body", eventType: EventPush, body: nil, malformed: true},
		{name: "JSON null", eventType: EventPush, body: []byte("null"), malformed: true},
		{name: "JSON array", eventType: EventPush, body: []byte("[]"), malformed: true},
		{name: "trailing data", eventType: EventPush, body: append(fixture(t, "push.json"), "{}"...), malformed: true},
		{name: "tag push with a wrongly typed field", eventType: EventTagPush, body: []byte(`{"ref":5}`), malformed: true},
		{
			name:      "push with a wrongly typed field",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["ref"] = 5 }),
			malformed: true,
		},
		{
			name:      "push with a wrongly typed visibility_level",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["visibility_level"] = "20" }),
			malformed: true,
		},
		{
			name:      "push without ref",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { delete(m, "ref") }),
			malformed: true,
		},
		{
			name:      "push without project",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { delete(m, "project") }),
			malformed: true,
		},
		{
			name:      "branch deletion without project",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["after"] = zeroSHA
				delete(m, "project")
			}),
			malformed: true,
		},
		{
			name:      "deletion of an impossible branch name",
			eventType: EventPush,
			body: patched(t, "push.json", func(m map[string]any) {
				m["ref"], m["after"] = "refs/heads/a..b", zeroSHA
			}),
			malformed: true,
		},
		{
			name:      "push whose after is no SHA",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["after"] = "HEAD" }),
			malformed: true,
		},
		{
			name:      "push without after",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { delete(m, "after") }),
			malformed: true,
		},
		{
			name:      "push whose checkout_sha is no SHA",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["checkout_sha"] = "HEAD" }),
			malformed: true,
		},
		{
			name:      "push whose checkout_sha is zeros",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["checkout_sha"] = zeroSHA }),
			malformed: true,
		},
		{
			name:      "push of an impossible branch name",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["ref"] = "refs/heads/a/../../etc" }),
			malformed: true,
		},
		{
			name:      "push of an empty branch name",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { m["ref"] = "refs/heads/" }),
			malformed: true,
		},
		{
			name:      "project path without namespace",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["path_with_namespace"] = "diaspora" }),
			malformed: true,
		},
		{
			name:      "project path climbing out",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["path_with_namespace"] = "../../etc/diaspora" }),
			malformed: true,
		},
		{
			name:      "project named by its display name",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["path_with_namespace"] = "Mike/Dias pora" }),
			malformed: true,
		},
		{
			name:      "project path ending in a slash",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { obj(m, "project")["path_with_namespace"] = "mike/" }),
			malformed: true,
		},
		{
			name:      "project without git_http_url",
			eventType: EventPush,
			body:      patched(t, "push.json", func(m map[string]any) { delete(obj(m, "project"), "git_http_url") }),
			malformed: true,
		},
	})
}

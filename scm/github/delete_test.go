package github

import (
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestParseDelete(t *testing.T) {
	// octokit's delete examples delete a tag; GitHub sends the same payload
	// with ref_type "branch" for a branch.
	branch := func(name, ref string) []byte {
		return patched(t, name, func(m map[string]any) {
			m["ref_type"] = "branch"
			m["ref"] = ref
		})
	}
	runParseCases(t, []parseCase{
		{
			name:      "branch",
			eventType: "delete",
			body:      branch("delete.json", "feature"),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: helloWorld,
				Ref: "refs/heads/feature", Branch: "feature",
			},
		},
		{
			name:      "nested branch, by an App",
			eventType: "delete",
			body:      branch("delete_with-installation.json", "feature/login"),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: helloWorld,
				Ref: "refs/heads/feature/login", Branch: "feature/login", InstallationID: 1,
			},
		},
		{
			// The default branch is GitHub's to refuse deleting; should it
			// come, the cleanup itself leaves production alone.
			name:      "default branch",
			eventType: "delete",
			body:      branch("delete.json", "master"),
			want: pipeline.Event{
				DeliveryID: delivery, Kind: pipeline.Cleanup, Repo: helloWorld,
				Ref: "refs/heads/master", Branch: "master",
			},
		},
		{name: "tag", eventType: "delete", body: fixture(t, "delete.json"), ignored: "tag simple-tag deleted: tags have no previews"},
		{name: "tag by an App", eventType: "delete", body: fixture(t, "delete_with-installation.json"), ignored: "tag simple-tag deleted: tags have no previews"},
		{
			name:      "ref of another type",
			eventType: "delete",
			body:      patched(t, "delete.json", func(m map[string]any) { m["ref_type"] = "note" }),
			ignored:   `deletion of "note" simple-tag ignored: not a branch`,
		},

		{name: "not JSON", eventType: "delete", body: []byte("ref=x"), malformed: true},
		{name: "JSON null", eventType: "delete", body: []byte("null"), malformed: true},
		{
			name:      "no ref_type",
			eventType: "delete",
			body:      patched(t, "delete.json", func(m map[string]any) { delete(m, "ref_type") }),
			malformed: true,
		},
		{name: "no ref", eventType: "delete", body: branch("delete.json", ""), malformed: true},
		{name: "impossible branch name", eventType: "delete", body: branch("delete.json", "a..b"), malformed: true},
		{name: "branch name as an option", eventType: "delete", body: branch("delete.json", "--upload-pack=x"), malformed: true},
		{
			name:      "ref of a wrong type",
			eventType: "delete",
			body:      patched(t, "delete.json", func(m map[string]any) { m["ref_type"] = "branch"; m["ref"] = []int{1} }),
			malformed: true,
		},
		{
			name:      "no repository",
			eventType: "delete",
			body: patched(t, "delete.json", func(m map[string]any) {
				m["ref_type"] = "branch"
				delete(m, "repository")
			}),
			malformed: true,
		},
		{
			name:      "repository owner that is no valid name",
			eventType: "delete",
			body: patched(t, "delete.json", func(m map[string]any) {
				m["ref_type"] = "branch"
				obj(obj(m, "repository"), "owner")["login"] = "a/b"
			}),
			malformed: true,
		},
	})
}

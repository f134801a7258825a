package gitlabtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

func notesURL(api *gitlabtest.Server, iid int) string {
	return fmt.Sprintf("%s/projects/group%%2Fsub%%2Frepo/merge_requests/%d/notes", api.URL(), iid)
}

func TestNotesWriteAndEdit(t *testing.T) {
	api := gitlabtest.New(t)
	created := call(t, "POST", notesURL(api, 3), "Private-Token: bot", `{"body":"first"}`)
	if created.code != http.StatusCreated || created.field("body") != "first" || created.field("noteable_type") != "MergeRequest" ||
		created.field("noteable_iid") != 3.0 || created.field("system") != false || created.field("project_id") == nil {
		t.Fatalf("create: %d %v", created.code, created.body)
	}
	id := created.field("id").(float64)
	editURL := fmt.Sprintf("%s/%d", notesURL(api, 3), int(id))

	if got := call(t, "PUT", editURL, "Authorization: Bearer someone-else", `{"body":"theirs"}`); got.code != http.StatusForbidden {
		t.Errorf("edit by another user: %d %v, want 403", got.code, got.body)
	}
	if got := call(t, "PUT", fmt.Sprintf("%s/%d", notesURL(api, 4), int(id)), "Private-Token: bot", `{"body":"x"}`); got.code != http.StatusNotFound {
		t.Errorf("edit through another merge request: %d %v, want 404", got.code, got.body)
	}
	edited := call(t, "PUT", editURL, "Private-Token: bot", `{"body":"second"}`)
	if edited.code != http.StatusOK || edited.field("body") != "second" || edited.field("id") != id {
		t.Errorf("edit: %d %v", edited.code, edited.body)
	}

	notes := api.Notes("Group/Sub/Repo", 3)
	if len(notes) != 1 || notes[0].Body != "second" || notes[0].Edits != 1 || notes[0].Token != "bot" ||
		notes[0].Project != "group/sub/repo" || notes[0].IID != 3 {
		t.Errorf("Notes() = %+v, want the one note, edited once", notes)
	}
	if other := api.Notes("group/sub/repo", 4); len(other) != 0 {
		t.Errorf("merge request 4 has %+v", other)
	}
}

func TestNotesValidate(t *testing.T) {
	api := gitlabtest.New(t)
	for _, tt := range []struct {
		name, body, key string
	}{
		{"no body", `{}`, "error"},
		{"body not a string", `{"body":["a"]}`, "error"},
		{"blank body", `{"body":"  "}`, "message"},
		{"not JSON", `body=x`, "error"},
	} {
		got := call(t, "POST", notesURL(api, 1), "Private-Token: x", tt.body)
		if got.code != http.StatusBadRequest || got.field(tt.key) == nil {
			t.Errorf("%s: %d %v, want 400 with %q", tt.name, got.code, got.body, tt.key)
		}
	}
	if got := call(t, "GET", notesURL(api, 1)+"?sort=sideways", "Private-Token: x", ""); got.code != http.StatusBadRequest {
		t.Errorf("bad sort: %d %v, want 400", got.code, got.body)
	}
	if n := len(api.Notes("group/sub/repo", 1)); n != 0 {
		t.Errorf("stored %d invalid notes", n)
	}
}

// Notes list newest first, 20 to a page unless asked, with GitLab's
// pagination headers.
func TestNotesPaginate(t *testing.T) {
	api := gitlabtest.New(t)
	for i := range 45 {
		call(t, "POST", notesURL(api, 9), "Private-Token: x", fmt.Sprintf(`{"body":"note %d"}`, i))
	}
	tests := []struct {
		query            string
		n                int
		first            string
		page, next, prev string
		perPage          string
	}{
		{"", 20, "note 44", "1", "2", "", "20"},
		{"?page=3", 5, "note 4", "3", "", "2", "20"},
		{"?per_page=500", 45, "note 44", "1", "", "", "100"},
		{"?sort=asc&per_page=40&page=2", 5, "note 40", "2", "", "1", "40"},
		{"?page=9", 0, "", "9", "", "", "20"},
	}
	for _, tt := range tests {
		got := call(t, "GET", notesURL(api, 9)+tt.query, "Private-Token: x", "")
		list, _ := got.body.([]any)
		h := got.header
		if got.code != http.StatusOK || len(list) != tt.n || h.Get("X-Page") != tt.page || h.Get("X-Next-Page") != tt.next ||
			h.Get("X-Prev-Page") != tt.prev || h.Get("X-Per-Page") != tt.perPage || h.Get("X-Total") != "45" {
			t.Errorf("%q: %d notes, X-Page %q X-Next-Page %q X-Prev-Page %q X-Per-Page %q X-Total %q; want %d, %s %q %q %s 45",
				tt.query, len(list), h.Get("X-Page"), h.Get("X-Next-Page"), h.Get("X-Prev-Page"), h.Get("X-Per-Page"), h.Get("X-Total"),
				tt.n, tt.page, tt.next, tt.prev, tt.perPage)
			continue
		}
		if tt.n > 0 && list[0].(map[string]any)["body"] != tt.first {
			t.Errorf("%q: first note %v, want %q", tt.query, list[0].(map[string]any)["body"], tt.first)
		}
		if tt.next != "" && !strings.Contains(h.Get("Link"), `rel="next"`) {
			t.Errorf("%q: Link %q has no next", tt.query, h.Get("Link"))
		}
	}
}

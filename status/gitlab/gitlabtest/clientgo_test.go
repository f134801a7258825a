package gitlabtest_test

import (
	"fmt"
	"net/http"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

// TestClientGoReadsIt checks the answers decode as GitLab's Go client
// expects them, with its escaping of project paths and its pagination.
func TestClientGoReadsIt(t *testing.T) {
	api := gitlabtest.New(t)
	c, err := gl.NewClient("tok", gl.WithBaseURL(api.URL()), gl.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	const project = "group/sub.group/repo"

	st, _, err := c.Commits.SetCommitStatus(project, sha, &gl.SetCommitStatusOptions{
		State: gl.Running, Name: gl.Ptr("ofc/api"), Ref: gl.Ptr("main"), Description: gl.Ptr("building"),
		TargetURL: gl.Ptr("https://ofc.example.com/builds/1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.ID == 0 || st.Status != "running" || st.Name != "ofc/api" || st.Ref != "main" || st.SHA != sha ||
		st.CreatedAt == nil || st.StartedAt == nil || st.FinishedAt != nil || st.Author.Username == "" || st.PipelineID == 0 {
		t.Errorf("SetCommitStatus() = %+v", st)
	}
	if _, _, err := c.Commits.SetCommitStatus(project, sha, &gl.SetCommitStatusOptions{State: gl.Success, Name: gl.Ptr("ofc/api"), Ref: gl.Ptr("main")}); err != nil {
		t.Fatal(err)
	}
	list, _, err := c.Commits.GetCommitStatuses(api.ProjectID(project), sha, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != st.ID || list[0].Status != "success" || list[0].FinishedAt == nil {
		t.Errorf("GetCommitStatuses() = %+v, want the status, now success", list)
	}

	if _, _, err := c.Commits.SetCommitStatus(project, sha, &gl.SetCommitStatusOptions{State: gl.Running, Name: gl.Ptr("ofc/api"), Ref: gl.Ptr("main")}); err != nil {
		t.Errorf("running after success: %v, want a new status", err)
	}
	if _, _, err := c.Commits.SetCommitStatus(project, sha, &gl.SetCommitStatusOptions{State: gl.Running, Name: gl.Ptr("ofc/api"), Ref: gl.Ptr("main")}); !gl.HasStatusCode(err, http.StatusBadRequest) {
		t.Errorf("running twice: %v, want GitLab's 400", err)
	}

	for i := range 25 {
		if _, _, err := c.Notes.CreateMergeRequestNote(project, 7, &gl.CreateMergeRequestNoteOptions{Body: gl.Ptr(fmt.Sprint("note ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	opt := &gl.ListMergeRequestNotesOptions{ListOptions: gl.ListOptions{PerPage: 10}, Sort: gl.Ptr("asc")}
	var bodies []string
	for {
		notes, resp, err := c.Notes.ListMergeRequestNotes(project, 7, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			bodies = append(bodies, n.Body)
			if n.Author.Username == "" || n.CreatedAt == nil || n.NoteableIID != 7 || n.NoteableType != "MergeRequest" {
				t.Errorf("note %+v", n)
			}
		}
		if resp.TotalItems != 25 || resp.TotalPages != 3 {
			t.Errorf("page %d: X-Total %d, X-Total-Pages %d", resp.CurrentPage, resp.TotalItems, resp.TotalPages)
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	if len(bodies) != 25 || bodies[0] != "note 0" || bodies[24] != "note 24" {
		t.Errorf("listed %q, want the 25 notes oldest first", bodies)
	}

	n, _, err := c.Notes.UpdateMergeRequestNote(project, 7, 1, &gl.UpdateMergeRequestNoteOptions{Body: gl.Ptr("edited")})
	if err != nil || n.Body != "edited" || n.ID != 1 {
		t.Errorf("UpdateMergeRequestNote() = %+v, %v", n, err)
	}
	if _, _, err := c.Notes.UpdateMergeRequestNote(project, 7, 999, &gl.UpdateMergeRequestNoteOptions{Body: gl.Ptr("x")}); err != gl.ErrNotFound {
		t.Errorf("editing a missing note: %v, want ErrNotFound", err)
	}
}

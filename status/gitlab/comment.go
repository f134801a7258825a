package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

var _ pipeline.Commenter = (*Reporter)(nil)

// UpsertComment writes body as the merge request's preview note: it edits
// the newest note that starts with pipeline.CommentMarker, or creates one
// when there is none. Errors that may pass by themselves are marked
// pipeline.Transient.
func (r *Reporter) UpsertComment(ctx context.Context, ev pipeline.Event, body string) error {
	if err := r.upsertComment(ctx, ev, body); err != nil {
		return fmt.Errorf("comment on %s!%d: %w", ev.Repo.FullName(), ev.PullRequest, err)
	}
	return nil
}

func (r *Reporter) upsertComment(ctx context.Context, ev pipeline.Event, body string) error {
	if err := checkRepo(ev); err != nil {
		return err
	}
	if ev.PullRequest <= 0 {
		return errors.New("event names no merge request")
	}
	ctx, err := r.authorise(ctx, ev)
	if err != nil {
		return err
	}
	project, iid := ev.Repo.FullName(), int64(ev.PullRequest)
	id, err := r.findNote(ctx, project, iid)
	if err != nil {
		return err
	}
	if id != 0 {
		_, resp, err := r.client.Notes.UpdateMergeRequestNote(project, iid, id,
			&gl.UpdateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			return classify(resp, err)
		}
		// Only a note's author may edit it, and this one was written with
		// another token: a new note becomes the newest, edited from now on.
	}
	_, resp, err := r.client.Notes.CreateMergeRequestNote(project, iid,
		&gl.CreateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
	return classify(resp, err)
}

// findNote returns the id of the merge request's newest preview note, or 0.
func (r *Reporter) findNote(ctx context.Context, project string, iid int64) (int64, error) {
	opt := &gl.ListMergeRequestNotesOptions{
		ListOptions: gl.ListOptions{PerPage: 100},
		OrderBy:     gl.Ptr("created_at"),
		Sort:        gl.Ptr("desc"),
	}
	for {
		notes, resp, err := r.client.Notes.ListMergeRequestNotes(project, iid, opt, gl.WithContext(ctx))
		if err != nil {
			return 0, classify(resp, err)
		}
		for _, n := range notes {
			if !n.System && strings.HasPrefix(n.Body, pipeline.CommentMarker) {
				return n.ID, nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opt.Page = resp.NextPage
	}
}

package gitlab_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

// ours returns the preview notes of merge request iid.
func ours(api *gitlabtest.Server, iid int) []gitlabtest.Note {
	var out []gitlabtest.Note
	for _, n := range api.Notes(event.Repo.FullName(), iid) {
		if strings.HasPrefix(n.Body, pipeline.CommentMarker) {
			out = append(out, n)
		}
	}
	return out
}

// The preview note is created once and edited after, even when it is not
// on the first page of the merge request's notes.
func TestUpsertCommentEditsTheOneNote(t *testing.T) {
	api := gitlabtest.New(t)
	ev := event
	ev.PullRequest = 5
	r := newReporter(t, api, token)
	ctx := context.Background()
	if err := r.UpsertComment(ctx, ev, pipeline.CommentMarker+"\nfirst"); err != nil {
		t.Fatal(err)
	}
	// The discussion goes on: ours sinks past the first pages.
	for i := range 205 {
		postNote(t, api, ev, "reviewer", fmt.Sprintf("looks good %d", i))
	}
	for _, body := range []string{"second", "third"} {
		if err := r.UpsertComment(ctx, ev, pipeline.CommentMarker+"\n"+body); err != nil {
			t.Fatal(err)
		}
	}
	got := ours(api, 5)
	if len(got) != 1 || !strings.HasSuffix(got[0].Body, "third") || got[0].Edits != 2 || got[0].Token != token {
		t.Errorf("preview notes = %+v, want one, written with the token and edited twice", got)
	}
	if n := len(api.Notes(ev.Repo.FullName(), 5)); n != 206 {
		t.Errorf("merge request has %d notes, want 206", n)
	}
}

// Only its author may edit a note: one left by another token is not ours
// to edit, so a new one is written, and edited from then on.
func TestUpsertCommentAfterTheTokenChanged(t *testing.T) {
	api := gitlabtest.New(t)
	ev := event
	ev.PullRequest = 2
	postNote(t, api, ev, "old-token", pipeline.CommentMarker+"\nby the old token")
	r := newReporter(t, api, token)
	for _, body := range []string{"new", "newer"} {
		if err := r.UpsertComment(context.Background(), ev, pipeline.CommentMarker+"\n"+body); err != nil {
			t.Fatal(err)
		}
	}
	got := ours(api, 2)
	if len(got) != 2 || got[1].Token != token || !strings.HasSuffix(got[1].Body, "newer") || got[1].Edits != 1 {
		t.Errorf("preview notes = %+v, want the old one and one of ours, edited once", got)
	}
}

func TestUpsertCommentErrors(t *testing.T) {
	api := gitlabtest.New(t)
	r := newReporter(t, api, token)
	ctx := context.Background()
	github := event
	github.PullRequest, github.Repo.Provider = 1, pipeline.GitHub
	for name, ev := range map[string]pipeline.Event{"no merge request": event, "a GitHub event": github} {
		if err := r.UpsertComment(ctx, ev, "x"); err == nil {
			t.Errorf("%s: UpsertComment() succeeded", name)
		}
	}
	if n := len(api.Notes(event.Repo.FullName(), 1)); n != 0 {
		t.Errorf("wrote %d notes", n)
	}

	ev := event
	ev.PullRequest = 1
	api.FailWith(http.StatusBadGateway)
	err := r.UpsertComment(ctx, ev, "x")
	if !pipeline.IsTransient(err) || !strings.HasPrefix(err.Error(), "comment on group/sub/repo!1: ") {
		t.Errorf("a 502 gave %v, want a transient error naming the merge request", err)
	}
	api.FailWith(0)
	api.AllowTokens("another")
	if err := r.UpsertComment(ctx, ev, "x"); err == nil || pipeline.IsTransient(err) {
		t.Errorf("a 401 gave %v, want a permanent error", err)
	}
	api.AllowTokens()
	if err := r.UpsertComment(ctx, ev, "  "); err == nil || pipeline.IsTransient(err) {
		t.Errorf("a blank note gave %v, want GitLab's permanent 400", err)
	}
}

// postNote writes a note as another user would.
func postNote(t *testing.T, api *gitlabtest.Server, ev pipeline.Event, tok, body string) {
	t.Helper()
	url := fmt.Sprintf("%s/projects/%s/merge_requests/%d/notes", api.URL(),
		strings.ReplaceAll(ev.Repo.FullName(), "/", "%2F"), ev.PullRequest)
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(fmt.Sprintf(`{"body":%q}`, body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Private-Token", tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("post note: %s", res.Status)
	}
}

package github_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

// The preview comment is created once and edited after, even when it is
// not on the first page of the pull request's comments.
func TestUpsertCommentEditsTheOneComment(t *testing.T) {
	api := githubtest.New(t)
	ev := event
	ev.PullRequest = 5
	for i := range 105 {
		postComment(t, api, ev, fmt.Sprintf("looks good %d", i))
	}
	r := newReporter(t, api, "tok")
	ctx := context.Background()
	for _, body := range []string{pipeline.CommentMarker + "\nfirst", pipeline.CommentMarker + "\nsecond"} {
		if err := r.UpsertComment(ctx, ev, body); err != nil {
			t.Fatal(err)
		}
	}
	var ours []githubtest.Comment
	for _, c := range api.Comments(ev.Repo.Owner, ev.Repo.Name, 5) {
		if strings.HasPrefix(c.Body, pipeline.CommentMarker) {
			ours = append(ours, c)
		}
	}
	if len(ours) != 1 || !strings.HasSuffix(ours[0].Body, "second") || ours[0].Edits != 1 {
		t.Errorf("preview comments = %+v, want one, edited once to the second body", ours)
	}
}

func TestUpsertCommentNeedsAPullRequest(t *testing.T) {
	api := githubtest.New(t)
	if err := newReporter(t, api, "tok").UpsertComment(context.Background(), event, "x"); err == nil {
		t.Error("comment without a pull request number succeeded")
	}
	api.FailWith(http.StatusBadGateway)
	ev := event
	ev.PullRequest = 1
	if err := newReporter(t, api, "tok").UpsertComment(context.Background(), ev, "x"); !pipeline.IsTransient(err) {
		t.Errorf("a 502 gave %v, want a transient error", err)
	}
}

func postComment(t *testing.T, api *githubtest.Server, ev pipeline.Event, body string) {
	t.Helper()
	url := fmt.Sprintf("%srepos/%s/%s/issues/%d/comments", api.URL(), ev.Repo.Owner, ev.Repo.Name, ev.PullRequest)
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(fmt.Sprintf(`{"body":%q}`, body)))
	req.Header.Set("Authorization", "Bearer someone-else")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("post comment: %v %v", res, err)
	}
	res.Body.Close()
}

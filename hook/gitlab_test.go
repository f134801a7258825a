package hook

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const gitlabToken = "gl-webhook-token"

func postGitLab(h http.Handler, event, delivery, token string, body []byte) (int, reply) {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/gitlab", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Gitlab-Event", event)
	req.Header.Set("X-Gitlab-Event-UUID", delivery)
	if token != "" {
		req.Header.Set("X-Gitlab-Token", token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r reply
	_ = json.Unmarshal(rec.Body.Bytes(), &r)
	return rec.Code, r
}

func gitlabBody(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../scm/gitlab/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGitLabPushIsQueuedAndBadTokensAreRefused(t *testing.T) {
	rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
	cfg := Config{Recorder: rec, Publisher: pub, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := GitLab(cfg, gitlabToken)
	push := gitlabBody(t, "push.json")

	if code, r := postGitLab(h, "Push Hook", "uuid-1", "wrong", push); code != http.StatusUnauthorized || r.Status != "unauthorized" {
		t.Errorf("wrong token: %d %+v, want 401", code, r)
	}
	if code, _ := postGitLab(h, "Push Hook", "uuid-1", "", push); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, r := postGitLab(GitLab(cfg, ""), "Push Hook", "uuid-1", "", push); code != http.StatusServiceUnavailable {
		t.Errorf("no token configured: %d %+v, want 503, never accepted", code, r)
	}
	if len(pub.reqs) != 0 {
		t.Fatalf("refused deliveries were queued: %+v", pub.reqs)
	}

	code, r := postGitLab(h, "Push Hook", "uuid-1", gitlabToken, push)
	if code != http.StatusAccepted || r.Status != "queued" || r.BuildID == 0 {
		t.Fatalf("push: %d %+v, want 202 queued", code, r)
	}
	if len(pub.reqs) != 1 || pub.reqs[0].Event.Repo.Provider != pipeline.GitLab || pub.reqs[0].Event.Kind != pipeline.Push {
		t.Errorf("queued %+v, want one GitLab push", pub.reqs)
	}
	if code, r := postGitLab(h, "Tag Push Hook", "uuid-2", gitlabToken, gitlabBody(t, "tag_push.json")); code != http.StatusAccepted || r.Status != "ignored" {
		t.Errorf("tag push: %d %+v, want 202 ignored", code, r)
	}
	if code, r := postGitLab(h, "Push Hook", "uuid-3", gitlabToken, []byte("{")); code != http.StatusBadRequest || r.Status != "malformed" {
		t.Errorf("broken body: %d %+v, want 400", code, r)
	}
}

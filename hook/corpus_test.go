package hook

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/corpustest"
	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
	scmgitlab "github.com/ofcbuild/ofc/scm/gitlab"
)

// corpusRoot is the shared corpus of real and mutated webhook bodies; the
// parsers' own corpus tests say what each must make, file by file. This
// one checks that the handler answers each as its parser decided, and
// that nothing but an accepted event is recorded or queued.
const corpusRoot = "../../shared/fixtures/webhook-corpus"

// corpusNow is the clock of the corpus handlers, so that events compare
// equal.
var corpusNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// corpusCase is one body sent to a handler, and what its parser made of it.
type corpusCase struct {
	file   corpustest.File
	header func(*http.Request)
	ev     pipeline.Event
	// ignored is the reason of an ignored delivery, code its status.
	ignored string
	code    int
	err     error
}

// sendCorpus posts c's body to h and checks the answer, and what was
// recorded and queued, against what the parser made of it.
func sendCorpus(t *testing.T, h http.Handler, rec *recorder, pub *publisher, c corpusCase) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(c.file.Body))
	req.Header.Set("Content-Type", "application/json")
	c.header(req)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var r reply
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
		t.Fatalf("answer %d %q is not JSON: %v", w.Code, w.Body.String(), err)
	}
	made := len(pub.reqs) + len(rec.byID)
	switch {
	case c.err != nil:
		if w.Code != http.StatusBadRequest || r.Status != "malformed" || r.Message != c.err.Error() || made != 0 {
			t.Errorf("answered %d %+v with %d made; want 400 malformed %q and nothing made", w.Code, r, made, c.err)
		}
	case c.ignored != "":
		if w.Code != c.code || r.Status != "ignored" || r.Message != c.ignored || made != 0 {
			t.Errorf("answered %d %+v with %d made; want %d ignored %q and nothing made", w.Code, r, made, c.code, c.ignored)
		}
	default:
		want := c.ev
		want.ReceivedAt = corpusNow
		if w.Code != http.StatusAccepted || r.Status != "queued" || r.BuildID == 0 || len(pub.reqs) != 1 || len(rec.byID) != 1 {
			t.Fatalf("answered %d %+v with %d queued; want 202 queued, one build", w.Code, r, len(pub.reqs))
		}
		if got := pub.reqs[0]; got.BuildID != r.BuildID || got.Event != want {
			t.Errorf("queued %+v\nwant event %+v", got, want)
		}
	}
}

func corpusConfig(rec *recorder, pub *publisher) Config {
	// Tags are built, so that a tag's event is queued like any other.
	return Config{Recorder: rec, Publisher: pub, Logger: slog.New(slog.DiscardHandler), BuildTags: true,
		Now: func() time.Time { return corpusNow }}
}

// TestCorpusThroughTheGitHubHandler sends every GitHub body of the corpus,
// signed, as the event of its folder, and then once more signed with
// another secret, which must be refused before the body is read.
func TestCorpusThroughTheGitHubHandler(t *testing.T) {
	files := append(corpustest.Files(t, corpusRoot, "github", 198), corpustest.Files(t, corpusRoot, "mutations/github", 85)...)
	for _, f := range files {
		t.Run(f.Rel, func(t *testing.T) {
			delivery := "corpus-" + f.Rel
			c := corpusCase{file: f, header: func(r *http.Request) {
				r.Header.Set("X-GitHub-Event", f.Folder)
				r.Header.Set("X-GitHub-Delivery", delivery)
				r.Header.Set(scmgithub.SignatureHeader, scmgithub.Sign([]byte(secret), f.Body))
			}}
			c.ev, c.err = scmgithub.Parse(f.Folder, delivery, f.Body)
			if ig, ok := scmgithub.IsIgnored(c.err); ok {
				c.ignored, c.code, c.err = ig.Reason, http.StatusAccepted, nil
				if f.Folder == scmgithub.EventPing {
					c.code = http.StatusOK
				}
			}
			rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
			sendCorpus(t, GitHub(corpusConfig(rec, pub), []byte(secret)), rec, pub, c)

			rec, pub = &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
			forged := corpusCase{file: f, header: func(r *http.Request) {
				c.header(r)
				r.Header.Set(scmgithub.SignatureHeader, scmgithub.Sign([]byte("not-"+secret), f.Body))
			}}
			refused(t, GitHub(corpusConfig(rec, pub), []byte(secret)), rec, pub, forged)
		})
	}
}

// TestCorpusThroughTheGitLabHandler sends every GitLab body of the corpus
// with the header GitLab sends it with and the webhook's token, and then
// once more with another token, which must be refused before the body is
// read.
func TestCorpusThroughTheGitLabHandler(t *testing.T) {
	files := append(corpustest.Files(t, corpusRoot, "gitlab", 90), corpustest.Files(t, corpusRoot, "mutations/gitlab", 53)...)
	for _, f := range files {
		t.Run(f.Rel, func(t *testing.T) {
			delivery, event := "corpus-"+f.Rel, corpustest.GitLabHeader(f)
			c := corpusCase{file: f, header: func(r *http.Request) {
				r.Header.Set(scmgitlab.EventHeader, event)
				r.Header.Set(scmgitlab.DeliveryHeader, delivery)
				r.Header.Set(scmgitlab.TokenHeader, gitlabToken)
			}}
			c.ev, c.err = scmgitlab.Parse(event, delivery, f.Body)
			if ig, ok := scmgitlab.IsIgnored(c.err); ok {
				c.ignored, c.code, c.err = ig.Reason, http.StatusAccepted, nil
			}
			rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
			sendCorpus(t, GitLab(corpusConfig(rec, pub), gitlabToken), rec, pub, c)

			rec, pub = &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
			forged := corpusCase{file: f, header: func(r *http.Request) {
				c.header(r)
				r.Header.Set(scmgitlab.TokenHeader, "not-"+gitlabToken)
			}}
			refused(t, GitLab(corpusConfig(rec, pub), gitlabToken), rec, pub, forged)
		})
	}
}

// refused posts c and checks that it is answered 401 and makes nothing.
func refused(t *testing.T, h http.Handler, rec *recorder, pub *publisher, c corpusCase) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(c.file.Body))
	req.Header.Set("Content-Type", "application/json")
	c.header(req)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized || len(pub.reqs)+len(rec.byID) != 0 {
		t.Errorf("a delivery with a wrong signature or token: %d %s, %d made; want 401 and nothing made", w.Code, w.Body, len(pub.reqs)+len(rec.byID))
	}
}

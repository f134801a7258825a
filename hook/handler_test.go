package hook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
)

// These tests drive the handler with in-memory recorders and publishers to
// reach the failure paths a real Postgres or NATS would rarely show;
// test/ runs the same handler against the real ones.

type recorder struct {
	mu     sync.Mutex
	byID   map[string]pipeline.Build
	err    error
	nextID int64
}

func (r *recorder) RecordEvent(_ context.Context, ev pipeline.Event) (pipeline.Build, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return pipeline.Build{}, false, r.err
	}
	if b, ok := r.byID[ev.DeliveryID]; ok {
		return b, false, nil
	}
	r.nextID++
	b := pipeline.Build{ID: r.nextID, DeliveryID: ev.DeliveryID, Commit: ev.Commit, State: pipeline.Queued}
	r.byID[ev.DeliveryID] = b
	return b, true, nil
}

type publisher struct {
	mu   sync.Mutex
	reqs []pipeline.BuildRequest
	err  error
}

func (p *publisher) Publish(_ context.Context, req pipeline.BuildRequest) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.reqs = append(p.reqs, req)
	return nil
}

const secret = "s3cret"

func pushBody(t *testing.T) []byte {
	t.Helper()
	body, err := fixture.GitHubPush(fixture.Push{Owner: "alice", Repo: "fns", CloneURL: "https://github.com/alice/fns.git",
		DefaultBranch: "main", Branch: "main", After: strings.Repeat("b", 40)})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func post(h http.Handler, event, delivery string, body []byte, sig string) (int, reply) {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r reply
	_ = json.Unmarshal(rec.Body.Bytes(), &r)
	return rec.Code, r
}

func handler(rec *recorder, pub *publisher) http.Handler {
	return GitHub(Config{Recorder: rec, Publisher: pub, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, []byte(secret))
}

func TestPushIsRecordedQueuedAndAnswered202(t *testing.T) {
	rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
	h := handler(rec, pub)
	body := pushBody(t)
	sig := scmgithub.Sign([]byte(secret), body)

	code, r := post(h, "push", "d-1", body, sig)
	if code != 202 || r.Status != "queued" || r.BuildID != 1 {
		t.Fatalf("first delivery: %d %+v", code, r)
	}
	code, r = post(h, "push", "d-1", body, sig)
	if code != 202 || r.Status != "duplicate" || r.BuildID != 1 {
		t.Fatalf("redelivery: %d %+v", code, r)
	}
	if len(pub.reqs) != 2 || pub.reqs[0].Event.DeliveryID != "d-1" || pub.reqs[0].Event.ReceivedAt.IsZero() {
		t.Errorf("published %+v: a redelivery is published again with its delivery id, for the queue to drop", pub.reqs)
	}
}

func TestADependencyDownIs503AndLosesNothing(t *testing.T) {
	body := pushBody(t)
	sig := scmgithub.Sign([]byte(secret), body)

	rec, pub := &recorder{byID: map[string]pipeline.Build{}, err: errors.New("connection refused")}, &publisher{}
	if code, r := post(handler(rec, pub), "push", "d-1", body, sig); code != 503 || len(pub.reqs) != 0 {
		t.Errorf("postgres down: %d %+v, %d published", code, r, len(pub.reqs))
	}

	rec, pub = &recorder{byID: map[string]pipeline.Build{}}, &publisher{err: errors.New("nats: timeout")}
	h := handler(rec, pub)
	if code, r := post(h, "push", "d-1", body, sig); code != 503 || strings.Contains(r.Message, "timeout") {
		t.Errorf("nats down: %d %+v, want 503 without internals", code, r)
	}
	// NATS is back and GitHub redelivers: the recorded build is queued.
	pub.err = nil
	if code, r := post(h, "push", "d-1", body, sig); code != 202 || r.BuildID != 1 || len(pub.reqs) != 1 {
		t.Errorf("redelivery after recovery: %d %+v, %d published", code, r, len(pub.reqs))
	}
}

func TestRefusals(t *testing.T) {
	body := pushBody(t)
	good := scmgithub.Sign([]byte(secret), body)
	ping, err := os.ReadFile("../scm/github/testdata/ping.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, event string
		body        []byte
		sig         string
		code        int
		status      string
	}{
		{"missing signature", "push", body, "", 401, "unauthorized"},
		{"wrong signature", "push", body, scmgithub.Sign([]byte("other"), body), 401, "unauthorized"},
		{"malformed", "push", []byte(`{"ref":`), scmgithub.Sign([]byte(secret), []byte(`{"ref":`)), 400, "malformed"},
		{"not acted on", "issues", []byte(`{}`), scmgithub.Sign([]byte(secret), []byte(`{}`)), 202, "ignored"},
		{"ping", "ping", ping, scmgithub.Sign([]byte(secret), ping), 200, "ignored"},
		{"too large", "push", make([]byte, MaxBody+1), good, 413, "rejected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
			code, r := post(handler(rec, pub), c.event, "d", c.body, c.sig)
			if code != c.code || r.Status != c.status {
				t.Errorf("%d %+v, want %d %s", code, r, c.code, c.status)
			}
			if len(pub.reqs) != 0 || len(rec.byID) != 0 {
				t.Error("a refused delivery made a build")
			}
		})
	}
}

func TestOwnersNotAllowedAreIgnored(t *testing.T) {
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	metrics := NewMetrics(reg)
	rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
	h := GitHub(Config{Recorder: rec, Publisher: pub, Metrics: metrics, Owners: pipeline.ParseNamespaces("Alice, acme"),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, []byte(secret))

	body, err := fixture.GitHubPush(fixture.Push{Owner: "mallory", Repo: "miner", CloneURL: "https://github.com/mallory/miner.git",
		DefaultBranch: "main", Branch: "main", After: strings.Repeat("c", 40)})
	if err != nil {
		t.Fatal(err)
	}
	code, r := post(h, "push", "d-mallory", body, scmgithub.Sign([]byte(secret), body))
	if code != 202 || r.Status != "ignored" || r.BuildID != 0 ||
		r.Message != `owner "mallory" is not allowed on this service (OFC_ALLOWED_OWNERS)` {
		t.Errorf("owner not allowed: %d %+v", code, r)
	}
	if len(pub.reqs) != 0 || len(rec.byID) != 0 {
		t.Error("an owner not allowed made a build")
	}
	if line := logs.String(); !strings.Contains(line, "level=INFO") || !strings.Contains(line, "owner=mallory") ||
		!strings.Contains(line, "repo=mallory/miner") {
		t.Errorf("log %q does not name the owner and repo at info", line)
	}
	if n := counted(t, reg, "ignored"); n != 1 {
		t.Errorf("%v deliveries counted ignored, want 1", n)
	}

	// alice is listed as Alice: owners match without case.
	body = pushBody(t)
	code, r = post(h, "push", "d-alice", body, scmgithub.Sign([]byte(secret), body))
	if code != 202 || r.Status != "queued" || r.BuildID != 1 || len(pub.reqs) != 1 || pub.reqs[0].Event.Repo.Owner != "alice" {
		t.Errorf("allowed owner: %d %+v, %d published", code, r, len(pub.reqs))
	}
}

// counted is how many GitHub deliveries reg's metrics count with outcome.
func counted(t *testing.T, reg *prometheus.Registry, outcome string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "ofc_webhook_deliveries_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["provider"] == string(pipeline.GitHub) && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestTagPushesAreBuiltOnlyWhenConfigured(t *testing.T) {
	body, err := fixture.GitHubPush(fixture.Push{Owner: "alice", Repo: "fns", CloneURL: "https://github.com/alice/fns.git",
		DefaultBranch: "main", Tag: "v1.2.0", After: strings.Repeat("c", 40)})
	if err != nil {
		t.Fatal(err)
	}
	for _, build := range []bool{false, true} {
		rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
		h := GitHub(Config{Recorder: rec, Publisher: pub, Metrics: NewMetrics(prometheus.NewRegistry()), BuildTags: build,
			Logger: slog.New(slog.DiscardHandler)}, []byte(secret))
		code, r := post(h, "push", "d-tag", body, scmgithub.Sign([]byte(secret), body))
		switch {
		case !build && (code != 202 || r.Status != "ignored" || len(pub.reqs) != 0 || len(rec.byID) != 0 ||
			r.Message != "tag push v1.2.0 ignored: tags are built only with OFC_BUILD_TAGS=true"):
			t.Errorf("without OFC_BUILD_TAGS: %d %+v, %d published", code, r, len(pub.reqs))
		case build && (code != 202 || r.Status != "queued" || len(pub.reqs) != 1):
			t.Errorf("with OFC_BUILD_TAGS: %d %+v, %d published", code, r, len(pub.reqs))
		case build && (pub.reqs[0].Event.Kind != pipeline.Tag || pub.reqs[0].Event.Tag != "v1.2.0"):
			t.Errorf("with OFC_BUILD_TAGS the build is of %+v, want the tag v1.2.0", pub.reqs[0].Event)
		}
	}
}

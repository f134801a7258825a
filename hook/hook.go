// Package hook is the HTTP front of the build service: it takes forge
// webhooks, verifies and parses them, records the build and queues it, and
// answers the forge only once the request is durably queued.
package hook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// MaxBody is the largest webhook body accepted: GitHub caps payloads at
// 25 MiB and drops larger ones itself, so anything bigger is not GitHub.
const MaxBody = 25 << 20

// retryAfter is the Retry-After, in seconds, of a delivery refused while
// Postgres or NATS is down: a restart of either takes seconds.
const retryAfter = "10"

// queueWithin bounds the wait for the queue to take a build: GitHub
// counts a delivery failed when it has no answer within 10s, and while
// NATS is down a publish waits for the reconnection.
const queueWithin = 5 * time.Second

// Config holds what the webhook handlers need.
type Config struct {
	Recorder  pipeline.EventRecorder
	Publisher pipeline.Publisher
	Logger    *slog.Logger
	Metrics   *Metrics
	// Owners are the forge owners whose events are acted on; the empty
	// list allows every owner.
	Owners pipeline.Namespaces
	// BuildTags acts on tag pushes; without it they are answered 202
	// ignored, as most repositories tag releases their branch already
	// built.
	BuildTags bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// reply is the JSON body of every answer, so that a person reading the
// forge's delivery log sees what happened.
type reply struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	BuildID int64  `json:"build_id,omitempty"`
}

func writeReply(w http.ResponseWriter, code int, r reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(r)
}

// readBody reads at most MaxBody bytes into a buffer of bodies; a larger
// body is answered 413. The caller puts the buffer back once done with it.
func readBody(w http.ResponseWriter, r *http.Request, bodies *buffers) ([]byte, bool) {
	body, err := bodies.readAll(http.MaxBytesReader(w, r.Body, MaxBody), r.ContentLength)
	if err != nil {
		bodies.put(body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeReply(w, http.StatusRequestEntityTooLarge, reply{Status: "rejected",
				Message: fmt.Sprintf("body over %d bytes", MaxBody)})
			return nil, false
		}
		writeReply(w, http.StatusBadRequest, reply{Status: "rejected", Message: "read body: " + err.Error()})
		return nil, false
	}
	return body, true
}

// enqueue records ev and its queued build, then publishes the build
// request. It answers 202 only when both are done; otherwise 503, and the
// forge's redelivery of the same delivery finds the recorded build and
// publishes it again, so nothing is lost and nothing is built twice.
// An event the configuration does not act on (an owner not in c.Owners,
// a tag push without c.BuildTags) is answered 202 ignored, with nothing
// recorded or queued: checking here, where every forge's handler ends,
// keeps a new forge from skipping it.
func (c *Config) enqueue(ctx context.Context, w http.ResponseWriter, provider pipeline.Provider, ev pipeline.Event) {
	if msg := c.ignored(ev); msg != "" {
		c.log(ctx, slog.LevelInfo, "delivery ignored", provider, ev, slog.String("owner", ev.Repo.Owner), slog.String("reason", msg))
		c.Metrics.outcome(provider, "ignored")
		writeReply(w, http.StatusAccepted, reply{Status: "ignored", Message: msg})
		return
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ev.ReceivedAt = now().UTC()

	b, created, err := c.Recorder.RecordEvent(ctx, ev)
	if err != nil {
		c.log(ctx, slog.LevelError, "record event", provider, ev, slog.Any("err", err))
		c.Metrics.outcome(provider, "unavailable")
		w.Header().Set("Retry-After", retryAfter)
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", Message: "could not record the build; redeliver later"})
		return
	}
	qctx, cancel := context.WithTimeout(ctx, queueWithin)
	defer cancel()
	if err := c.Publisher.Publish(qctx, pipeline.BuildRequest{BuildID: b.ID, Event: ev}); err != nil {
		c.log(ctx, slog.LevelError, "queue build", provider, ev, slog.Int64("build_id", b.ID), slog.Any("err", err))
		c.Metrics.outcome(provider, "unavailable")
		w.Header().Set("Retry-After", retryAfter)
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", BuildID: b.ID, Message: "could not queue the build; redeliver later"})
		return
	}
	status := "queued"
	if !created {
		status = "duplicate"
	}
	c.log(ctx, slog.LevelInfo, "build queued", provider, ev, slog.Int64("build_id", b.ID), slog.String("status", status))
	c.Metrics.outcome(provider, status)
	writeReply(w, http.StatusAccepted, reply{Status: status, BuildID: b.ID})
}

// ignored says why the configuration does not act on ev, or "" when it
// does.
func (c *Config) ignored(ev pipeline.Event) string {
	switch {
	case !c.Owners.Empty() && !c.Owners.Match(ev.Repo.Owner):
		return fmt.Sprintf("owner %q is not allowed on this service (OFC_ALLOWED_OWNERS)", ev.Repo.Owner)
	case ev.Kind == pipeline.Tag && !c.BuildTags:
		return fmt.Sprintf("tag push %s ignored: tags are built only with OFC_BUILD_TAGS=true", ev.Tag)
	}
	return ""
}

// log logs msg with what identifies the delivery, building those
// attributes only when the level is enabled.
func (c *Config) log(ctx context.Context, level slog.Level, msg string, p pipeline.Provider, ev pipeline.Event, attrs ...slog.Attr) {
	if !c.Logger.Enabled(ctx, level) {
		return
	}
	attrs = append([]slog.Attr{slog.String("provider", string(p)), slog.String("delivery", ev.DeliveryID),
		slog.String("repo", ev.Repo.FullName()), slog.String("branch", ev.Branch), slog.String("commit", ev.ShortCommit())}, attrs...)
	c.Logger.LogAttrs(ctx, level, msg, attrs...)
}

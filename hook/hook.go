// Package hook is the HTTP front of the build service: it takes forge
// webhooks, verifies and parses them, records the build and queues it, and
// answers the forge only once the request is durably queued.
package hook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// MaxBody is the largest webhook body accepted: GitHub caps payloads at
// 25 MiB and drops larger ones itself, so anything bigger is not GitHub.
const MaxBody = 25 << 20

// Config holds what the webhook handlers need.
type Config struct {
	Recorder  pipeline.EventRecorder
	Publisher pipeline.Publisher
	Logger    *slog.Logger
	Metrics   *Metrics
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

// readBody reads at most MaxBody bytes; a larger body is answered 413.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
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
func (c *Config) enqueue(ctx context.Context, w http.ResponseWriter, provider pipeline.Provider, ev pipeline.Event) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ev.ReceivedAt = now().UTC()
	log := c.Logger.With("provider", provider, "delivery", ev.DeliveryID, "repo", ev.Repo.FullName(),
		"branch", ev.Branch, "commit", ev.ShortCommit())

	b, created, err := c.Recorder.RecordEvent(ctx, ev)
	if err != nil {
		log.Error("record event", "err", err)
		c.Metrics.outcome(provider, "unavailable")
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", Message: "could not record the build; redeliver later"})
		return
	}
	if err := c.Publisher.Publish(ctx, pipeline.BuildRequest{BuildID: b.ID, Event: ev}); err != nil {
		log.Error("queue build", "build_id", b.ID, "err", err)
		c.Metrics.outcome(provider, "unavailable")
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", BuildID: b.ID, Message: "could not queue the build; redeliver later"})
		return
	}
	status := "queued"
	if !created {
		status = "duplicate"
	}
	log.Info("build queued", "build_id", b.ID, "status", status)
	c.Metrics.outcome(provider, status)
	writeReply(w, http.StatusAccepted, reply{Status: status, BuildID: b.ID})
}

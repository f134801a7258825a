package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// Writers decides who may ask the service to act: rebuild, cancel, roll
// back. Safe for concurrent use.
type Writers interface {
	// Writer names the API token r carries and says whether its scope
	// is write; ok is false when r carries no valid token.
	Writer(r *http.Request) (name string, write, ok bool)
}

// WriteConfig is what the write handlers need. Every field but Now must
// be set.
type WriteConfig struct {
	Builds  pipeline.BuildReader
	Actions pipeline.ActionStore
	// Recorder and Publisher record and queue the builds users ask for,
	// as the webhook does a push's.
	Recorder  pipeline.EventRecorder
	Publisher pipeline.Publisher
	Access    Access
	Writers   Writers
	Logger    *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// queueWithin bounds the wait for the queue to take a build the user
// asked for, as the webhook bounds a push's.
const queueWithin = 5 * time.Second

// maxWriteBody bounds the JSON body of a write.
const maxWriteBody = 64 << 10

// scopeHint says how to get a token that may write, in answers that
// refuse one.
const scopeHint = "OFC_API_TOKENS lists such tokens as name:write:token"

// writer is who may act for r: the name of its token, when its scope is
// write. Otherwise it answers r, 401 without a token and 403 with one
// that may only read, and returns false.
func (c WriteConfig) writer(w http.ResponseWriter, r *http.Request, what string) (string, bool) {
	name, write, ok := c.Writers.Writer(r)
	switch {
	case !ok:
		w.Header().Set("WWW-Authenticate", `Bearer realm="ofc"`)
		writeError(w, http.StatusUnauthorized, what+" needs an API token of scope write; "+scopeHint)
		return "", false
	case !write:
		writeError(w, http.StatusForbidden, fmt.Sprintf("token %q may only read: %s needs a token of scope write; %s", name, what, scopeHint))
		return "", false
	}
	return name, true
}

// writerOn is writer, then target: who acts on which build.
func (c WriteConfig) writerOn(w http.ResponseWriter, r *http.Request, what string) (string, pipeline.Build, bool) {
	by, ok := c.writer(w, r, what)
	if !ok {
		return "", pipeline.Build{}, false
	}
	b, ok := c.target(w, r)
	return by, b, ok
}

// readBody decodes r's JSON body, if it has one, into v; a malformed one
// is answered 400 and false.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWriteBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, "read the body: "+err.Error())
		return false
	}
	if len(body) == 0 {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not the JSON expected: "+err.Error())
		return false
	}
	return true
}

// target reads the build r's {id} names, answering 404 or 503 and false
// when it cannot.
func (c WriteConfig) target(w http.ResponseWriter, r *http.Request) (pipeline.Build, bool) {
	b, err := LookupBuild(r, c.Builds, c.Access)
	if errors.Is(err, pipeline.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such build")
		return b, false
	}
	if err != nil {
		c.Logger.Error("read build", "build_id", r.PathValue("id"), "err", err)
		writeError(w, http.StatusServiceUnavailable, "could not read the build")
		return b, false
	}
	return b, true
}

// queue records a build of ev, which a user asked for, records the
// action that made it, and queues the build. It answers the request: 202
// with the new build and the action, or 503 when a step failed.
func (c WriteConfig) queue(w http.ResponseWriter, r *http.Request, ev pipeline.Event, a pipeline.Action) {
	ctx := r.Context()
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	// The delivery id is what makes a build unique; a user's request
	// has no forge delivery, so it gets one of its own.
	ev.DeliveryID = "ofc-" + string(a.Kind) + "-" + hex.EncodeToString(id)
	ev.ReceivedAt = now().UTC()
	log := c.Logger.With("action", a.Kind, "by", a.By, "of", a.BuildID, "repo", ev.Repo.FullName(), "commit", ev.ShortCommit())
	b, _, err := c.Recorder.RecordEvent(ctx, ev)
	if err != nil {
		log.Error("record build", "err", err)
		writeError(w, http.StatusServiceUnavailable, "could not record the build; try again")
		return
	}
	a.ResultID = b.ID
	if a, err = c.Actions.RecordAction(ctx, a); err != nil {
		log.Error("record action", "build_id", b.ID, "err", err)
		writeError(w, http.StatusServiceUnavailable, "could not record the action; try again")
		return
	}
	qctx, cancel := context.WithTimeout(ctx, queueWithin)
	defer cancel()
	if err := c.Publisher.Publish(qctx, pipeline.BuildRequest{BuildID: b.ID, Event: ev}); err != nil {
		// Recorded and queued in the store: the reaper queues it again
		// once it is quiet for long enough.
		log.Error("queue build", "build_id", b.ID, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "could not queue the build; it is recorded and will be queued again later", "build_id": b.ID})
		return
	}
	log.Info("build queued", "build_id", b.ID)
	writeJSON(w, http.StatusAccepted, actionJSON{Action: a, BuildID: b.ID, Status: "queued",
		Message: fmt.Sprintf("build %d queued: %s of build %d at %s, asked by %s", b.ID, a.Kind, a.BuildID, ev.ShortCommit(), a.By)})
}

// actionJSON is the answer of a write.
type actionJSON struct {
	Action pipeline.Action `json:"action"`
	// BuildID is the build the action queued, 0 for a cancel.
	BuildID int64  `json:"build_id,omitempty"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

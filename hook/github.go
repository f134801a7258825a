package hook

import (
	"errors"
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
)

// GitHub returns the handler for POST /webhooks/github. secret is the
// webhook secret; deliveries not signed with it are answered 401.
func GitHub(c Config, secret []byte) http.Handler {
	bodies := &buffers{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r, bodies)
		if !ok {
			c.Metrics.outcome(pipeline.GitHub, "rejected")
			return
		}
		// Parse copies what it keeps of the body.
		defer bodies.put(body)
		if err := scmgithub.Verify(secret, r.Header.Get(scmgithub.SignatureHeader), body); err != nil {
			c.Logger.Warn("webhook signature refused", "provider", "github", "err", err,
				"delivery", r.Header.Get("X-GitHub-Delivery"), "remote", r.RemoteAddr)
			c.Metrics.outcome(pipeline.GitHub, "unauthorized")
			code := http.StatusUnauthorized
			if errors.Is(err, scmgithub.ErrNoSecret) {
				code = http.StatusInternalServerError
			}
			writeReply(w, code, reply{Status: "unauthorized", Message: err.Error()})
			return
		}
		payload, err := scmgithub.Payload(r.Header.Get("Content-Type"), body)
		if err != nil {
			c.Metrics.outcome(pipeline.GitHub, "malformed")
			writeReply(w, http.StatusBadRequest, reply{Status: "malformed", Message: err.Error()})
			return
		}
		ev, err := scmgithub.Parse(r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery"), payload)
		if ig, ok := scmgithub.IsIgnored(err); ok {
			code := http.StatusAccepted
			if ig.Event == scmgithub.EventPing {
				code = http.StatusOK
			}
			c.Metrics.outcome(pipeline.GitHub, "ignored")
			writeReply(w, code, reply{Status: "ignored", Message: ig.Reason})
			return
		}
		if err != nil {
			c.Metrics.outcome(pipeline.GitHub, "malformed")
			writeReply(w, http.StatusBadRequest, reply{Status: "malformed", Message: err.Error()})
			return
		}
		c.enqueue(r.Context(), w, pipeline.GitHub, ev)
	})
}

package hook

import (
	"net/http"

	"github.com/ofcbuild/ofc/pipeline"
)

// forge is what differs between the forges' webhook handlers; the flow
// (read the body, verify, parse, answer ignored or malformed, enqueue) is
// the same.
type forge struct {
	provider pipeline.Provider
	// verify checks the delivery's credentials; on refusal it returns the
	// HTTP status to answer and why.
	verify func(r *http.Request, body []byte) (int, error)
	// parse turns the verified body into an event. ignored is non-nil,
	// with the status to answer, for a delivery that builds nothing.
	parse func(r *http.Request, body []byte) (ev pipeline.Event, ignored *ignoredDelivery, err error)
	// logRefusal logs a refused delivery with what identifies it.
	logRefusal func(r *http.Request, err error)
}

// ignoredDelivery is a well-formed delivery that starts nothing.
type ignoredDelivery struct {
	code   int
	reason string
}

// handler serves one forge's webhook.
func (c Config) handler(f forge) http.Handler {
	bodies := &buffers{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r, bodies)
		if !ok {
			c.Metrics.outcome(f.provider, "rejected")
			return
		}
		// Parsers copy what they keep of the body.
		defer bodies.put(body)
		if code, err := f.verify(r, body); err != nil {
			f.logRefusal(r, err)
			c.Metrics.outcome(f.provider, "unauthorized")
			writeReply(w, code, reply{Status: "unauthorized", Message: err.Error()})
			return
		}
		ev, ig, err := f.parse(r, body)
		if ig != nil {
			c.Metrics.outcome(f.provider, "ignored")
			writeReply(w, ig.code, reply{Status: "ignored", Message: ig.reason})
			return
		}
		if err != nil {
			c.Metrics.outcome(f.provider, "malformed")
			writeReply(w, http.StatusBadRequest, reply{Status: "malformed", Message: err.Error()})
			return
		}
		c.enqueue(r.Context(), w, f.provider, ev)
	})
}

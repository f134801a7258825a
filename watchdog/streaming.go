package watchdog

import (
	"net/http"
	"time"
)

// streaming is of-watchdog's streaming mode (executor/streaming_runner.go):
// the request body is piped to the process's stdin as it arrives, and its
// stdout to the client as it is written, so that neither has to fit in
// memory.
//
// The status is sent with the first byte of output, so a failure after it
// cannot change it. of-watchdog then ends the answer as if complete; here
// the connection is dropped instead, so that the client sees the answer
// cut short. A failure before any output is answered 500 with the reason,
// where of-watchdog answers an empty 200.
func (f *forker) streaming() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if ct := f.contentTypeOf(r); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		rc := http.NewResponseController(w)
		// Answer while still reading the body: HTTP/1 handlers otherwise
		// lose the rest of the body once they write.
		_ = rc.EnableFullDuplex()
		inv := f.start(r, false)
		out := &flushWriter{w: w, rc: rc}
		inv.cmd.Stdin = r.Body
		inv.cmd.Stdout = out
		err := inv.run()
		switch {
		case err == nil && !out.wrote:
			setDuration(w.Header(), start)
			w.WriteHeader(http.StatusOK)
		case err == nil:
		case !out.wrote:
			msg := inv.failure(err, f.execTimeout)
			f.log.Error("function failed", "method", r.Method, "uri", r.RequestURI, "err", msg)
			setDuration(w.Header(), start)
			http.Error(w, msg, http.StatusInternalServerError)
		default:
			f.log.Error("function failed after answering; dropping the connection",
				"method", r.Method, "uri", r.RequestURI, "err", inv.failure(err, f.execTimeout))
			panic(http.ErrAbortHandler)
		}
	}
}

// flushWriter sends each write of the process to the client at once.
// exec calls Write from one goroutine, and Run returns after its last
// call, so wrote needs no lock.
type flushWriter struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	wrote bool
}

func (f *flushWriter) Write(p []byte) (int, error) {
	f.wrote = true
	n, err := f.w.Write(p)
	if err != nil {
		return n, err
	}
	return n, f.rc.Flush()
}

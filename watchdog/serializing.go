package watchdog

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// serializing is of-watchdog's serializing mode
// (executor/serializing_fork_runner.go): the whole request body on the
// process's stdin, its whole stdout answered once it exits, 200 on
// success and 500 with the error otherwise, exec_timeout included.
// Reading the body is bounded by read_timeout, the server's.
//
// stderr goes to the log; with combine_output, which of-watchdog ignores,
// it is answered along with stdout as the classic watchdog does.
func (f *forker) serializing() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if ct := f.contentTypeOf(r); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			setDuration(w.Header(), start)
			http.Error(w, fmt.Sprintf("read request body: %v", err), http.StatusInternalServerError)
			return
		}
		inv := f.start(r, false)
		var out bytes.Buffer
		inv.cmd.Stdin = bytes.NewReader(body)
		inv.cmd.Stdout = &out
		if f.combine {
			inv.cmd.Stderr = &out
		}
		err = inv.run()
		setDuration(w.Header(), start)
		if err != nil {
			msg := inv.failure(err, f.execTimeout)
			f.log.Error("function failed", "method", r.Method, "uri", r.RequestURI, "err", msg)
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, msg)
			if f.combine && out.Len() > 0 {
				_, _ = io.WriteString(w, "\n")
				_, _ = w.Write(out.Bytes())
			}
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out.Bytes())
	}
}

package watchdog

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// classic is the classic watchdog's fork per request (handler.go):
//   - POST, PUT, PATCH, DELETE and GET reach the process; other methods
//     are answered 405;
//   - the whole body on stdin, or with marshal_request a JSON document of
//     the headers and body; an unreadable body is answered 400;
//   - stdout, with stderr too under combine_output (the default), is the
//     answer, typed as content_type or else as the request was;
//   - a process killed by exec_timeout is answered 408 "Killed process.",
//     one that fails 500 with the error and its output;
//   - write_debug logs each answer.
func (f *forker) classic() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodGet:
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		start := time.Now()
		input, err := f.classicInput(r)
		if err != nil {
			setDuration(w.Header(), start)
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, err.Error()+"\n")
			return
		}
		inv := f.start(r, true)
		var out bytes.Buffer
		inv.cmd.Stdin = bytes.NewReader(input)
		inv.cmd.Stdout = &out
		if f.combine {
			inv.cmd.Stderr = &out
		}
		err = inv.run()
		setDuration(w.Header(), start)
		switch {
		case err != nil && inv.timedOut():
			f.log.Error("function killed by exec_timeout", "method", r.Method, "uri", r.RequestURI, "timeout", f.execTimeout)
			w.WriteHeader(http.StatusRequestTimeout)
			_, _ = io.WriteString(w, "Killed process.\n")
		case err != nil:
			f.log.Error("function failed", "method", r.Method, "uri", r.RequestURI, "err", err)
			if f.debug {
				f.log.Info("function output", "out", out.String())
			}
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, err.Error()+"\n")
			_, _ = w.Write(out.Bytes())
		default:
			if ct := f.contentTypeOf(r); ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(out.Bytes())
			if f.debug {
				f.stdout.raw(out.Bytes())
			}
		}
	}
}

// classicInput is what a classic process reads on stdin.
func (f *forker) classicInput(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil || !f.marshal {
		return body, err
	}
	return json.Marshal(marshalledRequest{Header: r.Header, Body: marshalledBody{Raw: body}})
}

// marshalledRequest is the classic watchdog's marshal_request document
// (types.MarshalReq): the headers, and the body in base64, as
// encoding/json writes a []byte.
type marshalledRequest struct {
	Header http.Header    `json:"header"`
	Body   marshalledBody `json:"body"`
}

type marshalledBody struct {
	Raw []byte `json:"raw"`
}

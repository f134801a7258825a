package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// ErrNotFound is wrapped by errors about a function the gateway does not
// know.
var ErrNotFound = errors.New("function not found")

// StatusError is a gateway's refusal of a request.
type StatusError struct {
	// Code is the HTTP status the gateway answered.
	Code int
	// Message is the start of the gateway's answer.
	Message string
}

// Error says the status and what the gateway answered.
func (e *StatusError) Error() string {
	return fmt.Sprintf("gateway said %d: %s", e.Code, e.Message)
}

// Is makes a 404 match ErrNotFound.
func (e *StatusError) Is(target error) bool {
	return target == ErrNotFound && e.Code == http.StatusNotFound
}

// maxMessage bounds how much of a gateway's answer an error carries.
const maxMessage = 1024

// exchange is what the gateway answered to one request. The sdk folds
// status codes into error strings (and ignores them when reading), so the
// transport records them here for the call to classify.
type exchange struct {
	code int
	body []byte
}

type exchangeKey struct{}

func withExchange(ctx context.Context) (context.Context, *exchange) {
	ex := &exchange{}
	return context.WithValue(ctx, exchangeKey{}, ex), ex
}

// observer is an http.RoundTripper that records the status and the start
// of the body of responses to requests carrying an exchange.
type observer struct {
	next http.RoundTripper
}

func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	next := o.next
	if next == nil {
		next = http.DefaultTransport
	}
	res, err := next.RoundTrip(req)
	if ex, ok := req.Context().Value(exchangeKey{}).(*exchange); ok && res != nil {
		ex.code, ex.body = res.StatusCode, nil
		res.Body = &recordingBody{ReadCloser: res.Body, ex: ex}
	}
	return res, err
}

type recordingBody struct {
	io.ReadCloser
	ex *exchange
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := maxMessage - len(b.ex.body); room > 0 {
		b.ex.body = append(b.ex.body, p[:min(n, room)]...)
	}
	return n, err
}

// classify says what failed. No answer, 5xx and 429 are Transient: the
// gateway or the network is in trouble, not the request.
func classify(what string, ex *exchange, err error) error {
	switch {
	case ex.code == 0 && err == nil:
		return nil
	case ex.code == 0:
		return pipeline.Transient(fmt.Errorf("%s: gateway unreachable: %w", what, err))
	case ex.code >= 200 && ex.code < 300:
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	msg := strings.TrimSpace(string(ex.body))
	if msg == "" {
		msg = http.StatusText(ex.code)
	}
	serr := fmt.Errorf("%s: %w", what, &StatusError{Code: ex.code, Message: msg})
	if ex.code >= 500 || ex.code == http.StatusTooManyRequests {
		return pipeline.Transient(serr)
	}
	return serr
}

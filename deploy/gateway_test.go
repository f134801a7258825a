package deploy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// request is one call the fake gateway received.
type request struct {
	Method, Path, Query string
	Body                []byte
	User, Password      string
	HasAuth             bool
}

// reply is what the fake gateway answers.
type reply struct {
	code int
	body string
}

// fakeGateway records requests and answers them from a script keyed by
// "METHOD /path"; each key's replies are used in turn, the last repeating.
type fakeGateway struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests []request
	script   map[string][]reply
}

func newFakeGateway(t *testing.T, script map[string][]reply) *fakeGateway {
	t.Helper()
	g := &fakeGateway{t: t, script: script}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGateway) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	user, pass, ok := r.BasicAuth()
	g.mu.Lock()
	g.requests = append(g.requests, request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body,
		User: user, Password: pass, HasAuth: ok,
	})
	key := r.Method + " " + r.URL.Path
	replies := g.script[key]
	var rep reply
	switch len(replies) {
	case 0:
		rep = reply{http.StatusNotImplemented, "no script for " + key}
	case 1:
		rep = replies[0]
	default:
		rep, g.script[key] = replies[0], replies[1:]
	}
	g.mu.Unlock()
	w.WriteHeader(rep.code)
	_, _ = io.WriteString(w, rep.body)
}

func (g *fakeGateway) calls() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.requests...)
}

func (g *fakeGateway) client(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{
		GatewayURL: g.srv.URL, Username: "admin", Password: "s3cret", Namespace: "openfaas-fn",
		ReadyTimeout: 2 * time.Second, PollInterval: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// methods is the sequence of "METHOD /path" the gateway saw.
func methods(rs []request) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Method + " " + r.Path
	}
	return out
}

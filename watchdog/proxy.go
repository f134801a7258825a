package watchdog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// proxy is http mode's function handler: every request goes to the
// process serving at upstream_url.
type proxy struct {
	rp          *httputil.ReverseProxy
	target      *url.URL
	execTimeout time.Duration
	buffer      bool
	// ready closes once the process accepts connections, gone once it
	// has exited.
	ready, gone <-chan struct{}
	log         *slog.Logger
}

// internalHeaderValue marks answers the watchdog made itself, not the
// function, in X-OpenFaaS-Internal as the originals do.
const internalHeaderValue = "watchdog"

// forwardingHeaders are the headers httputil.ReverseProxy strips before
// Rewrite. of-watchdog passes them through, and a function behind the
// gateway reads them to learn the caller's address and URL.
var forwardingHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

type startKey struct{}

func newProxy(target *url.URL, execTimeout time.Duration, buffer bool, ready, gone <-chan struct{}, log *slog.Logger) *proxy {
	p := &proxy{target: target, execTimeout: execTimeout, buffer: buffer, ready: ready, gone: gone, log: log}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// As of-watchdog: the function sees the Host the caller asked
			// for, and the query exactly as sent.
			pr.Out.Host = pr.In.Host
			if target.RawQuery == "" {
				pr.Out.URL.RawQuery = pr.In.URL.RawQuery
			}
			for _, h := range forwardingHeaders {
				if v, ok := pr.In.Header[h]; ok {
					pr.Out.Header[h] = v
				}
			}
		},
		Transport:  smallBodies{newTransport()},
		BufferPool: &bufferPool{},
		ModifyResponse: func(res *http.Response) error {
			setDuration(res.Header, started(res.Request.Context()))
			return nil
		},
		ErrorHandler: p.fail,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return p
}

// newTransport is tuned for one local upstream under load: enough idle
// connections that concurrent requests reuse them instead of dialling
// (and leaving sockets in TIME_WAIT), bodies passed through as they are.
func newTransport() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 1024,
		// Below the keep-alive timeout of the servers templates run
		// (gunicorn's 2s, Node's 5s), so that the watchdog never sends a
		// request on a connection the server is closing; of-watchdog
		// uses the same 500ms.
		IdleConnTimeout: 500 * time.Millisecond,
		// Pass compressed bodies through, rather than asking for gzip
		// and decompressing what the client may not have asked for.
		DisableCompression:    true,
		ExpectContinueTimeout: time.Second,
	}
}

// smallBodyLimit is the largest request body smallBodies reads ahead.
const smallBodyLimit = 64 << 10

// smallBodies reads a small request body of known length before sending
// the request, as most function calls have. httputil.ReverseProxy hands
// the transport a body that net/http cannot tell is at hand, so it writes
// the headers and the body in two writes, each a trip through the
// loopback's TCP stack; read ahead, they go in one. A body the transport
// can read again also lets it retry a request that met a keep-alive
// connection the function had just closed.
type smallBodies struct{ next http.RoundTripper }

func (s smallBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.ContentLength <= 0 || r.ContentLength > smallBodyLimit {
		return s.next.RoundTrip(r)
	}
	body := make([]byte, r.ContentLength)
	_, err := io.ReadFull(r.Body, body)
	_ = r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	// A RoundTripper must not change its request: change a copy.
	out := r.WithContext(r.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	// The body is at hand: asking the function whether to send it would
	// only wait, up to ExpectContinueTimeout with a server that never
	// answers 100 Continue.
	if _, ok := out.Header["Expect"]; ok {
		out.Header = out.Header.Clone()
		out.Header.Del("Expect")
	}
	return s.next.RoundTrip(out)
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := context.WithValue(r.Context(), startKey{}, time.Now())
	// Event streams and WebSockets live as long as the caller keeps them,
	// which exec_timeout must not cut: of-watchdog proxies them without it.
	if timeout := requestTimeout(r, p.execTimeout); timeout > 0 && !longLived(r) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	r = r.WithContext(ctx)
	// Requests that come before the process listens wait for it, rather
	// than fail while it starts.
	select {
	case <-p.ready:
	default:
		select {
		case <-p.ready:
		case <-p.gone:
			p.fail(w, r, errExited)
			return
		case <-ctx.Done():
			p.fail(w, r, ctx.Err())
			return
		}
	}
	if p.buffer {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			setDuration(w.Header(), started(ctx))
			http.Error(w, fmt.Sprintf("read request body: %v", err), http.StatusBadRequest)
			return
		}
		// A known length, so that the upstream gets Content-Length rather
		// than a chunked body it may not read (WSGI servers).
		r.Body, r.ContentLength, r.TransferEncoding = io.NopCloser(bytes.NewReader(body)), int64(len(body)), nil
		if len(body) == 0 {
			r.Body = http.NoBody
		}
	}
	p.rp.ServeHTTP(w, r)
}

// fail answers a request the upstream did not: 504 when exec_timeout (or
// X-Timeout) ran out, as of-watchdog answers it, and otherwise 502 with
// the reason, where of-watchdog answers an empty 500.
func (p *proxy) fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	setDuration(w.Header(), started(ctx))
	w.Header().Set("X-OpenFaaS-Internal", internalHeaderValue)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		timeout := requestTimeout(r, p.execTimeout)
		p.log.Warn("function did not answer within exec_timeout", "method", r.Method, "uri", r.RequestURI, "timeout", timeout)
		http.Error(w, fmt.Sprintf("Gateway Timeout: the function did not answer within %s", timeout), http.StatusGatewayTimeout)
	case errors.Is(ctx.Err(), context.Canceled):
		// The caller has gone; the status is only for the request log.
		w.WriteHeader(statusClientClosed)
	default:
		p.log.Error("upstream request failed", "method", r.Method, "uri", r.RequestURI, "err", err)
		http.Error(w, fmt.Sprintf("Bad Gateway: the function is not answering at %s: %v", p.target, err), http.StatusBadGateway)
	}
}

// statusClientClosed is the request log's status for a request whose
// caller went away first (nginx's 499).
const statusClientClosed = 499

// requestTimeout is exec_timeout, or the request's X-Timeout when that is
// shorter: of-watchdog lets a caller lower the limit, never raise it, and
// ignores X-Timeout when there is no limit.
func requestTimeout(r *http.Request, execTimeout time.Duration) time.Duration {
	if v := r.Header.Get("X-Timeout"); v != "" && execTimeout > 0 {
		if d, err := time.ParseDuration(v); err == nil && d > 0 && d <= execTimeout {
			return d
		}
	}
	return execTimeout
}

// longLived reports whether r asks for a stream of events or a WebSocket,
// as of-watchdog recognises them.
func longLived(r *http.Request) bool {
	accept := strings.ToLower(r.Header.Get("Accept"))
	return strings.Contains(accept, "text/event-stream") ||
		strings.Contains(accept, "application/x-ndjson") ||
		strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// started is when the watchdog took the request, as ServeHTTP stored it.
func started(ctx context.Context) time.Time {
	if t, ok := ctx.Value(startKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}

// bufferPool keeps the proxy's copy buffers between requests, which
// httputil.ReverseProxy would otherwise allocate, 32KB each, per request.
type bufferPool struct{ pool sync.Pool }

func (b *bufferPool) Get() []byte {
	if buf, ok := b.pool.Get().(*[]byte); ok {
		return *buf
	}
	return make([]byte, 32*1024)
}

func (b *bufferPool) Put(buf []byte) { b.pool.Put(&buf) }

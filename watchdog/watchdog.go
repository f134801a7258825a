package watchdog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
)

// Options are what the watchdog writes to and runs in, beside its Config.
// Every field may be left zero.
type Options struct {
	// Stdout and Stderr receive the function's output, line by line:
	// os.Stdout and os.Stderr when nil.
	Stdout, Stderr io.Writer
	// Logger receives the watchdog's own messages: slog.Default() when nil.
	Logger *slog.Logger
	// Environ is the environment the function's processes inherit:
	// os.Environ when nil.
	Environ func() []string
	// Listener is where Run serves: a new listener on Config.Port when nil.
	Listener net.Listener
}

// Watchdog serves one function. Create it with New, serve with Run.
type Watchdog struct {
	cfg      Config
	log      *slog.Logger
	stdout   *logSink
	stderr   *logSink
	environ  func() []string
	listener net.Listener

	health   *health
	limit    *inflight
	function http.Handler // the mode's handler, before the limit
	handler  http.Handler

	// http mode: target is upstream_url; Run closes ready once the
	// process accepts connections, gone once it has exited.
	target *url.URL
	ready  chan struct{}
	gone   chan struct{}

	// procs is the fork modes' base context, cancelled as Run returns;
	// running counts their processes (nil in the other modes).
	procs     context.Context
	stopProcs context.CancelFunc
	running   *tally
}

// New returns a watchdog for cfg, which Parse has checked.
func New(cfg Config, opts Options) (*Watchdog, error) {
	if err := errors.Join(cfg.check()...); err != nil {
		return nil, err
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Environ == nil {
		opts.Environ = os.Environ
	}
	w := &Watchdog{
		cfg:      cfg,
		log:      opts.Logger,
		stdout:   newLogSink(opts.Stdout, cfg.PrefixLogs),
		stderr:   newLogSink(opts.Stderr, cfg.PrefixLogs),
		environ:  opts.Environ,
		listener: opts.Listener,
		health:   &health{lockPath: cfg.LockPath, suppress: cfg.SuppressLock},
		limit:    &inflight{max: int64(cfg.MaxInflight)},
		ready:    make(chan struct{}),
		gone:     make(chan struct{}),
	}
	w.procs, w.stopProcs = context.WithCancel(context.Background())

	switch {
	case cfg.Mode == ModeHTTP:
		target, err := url.Parse(cfg.UpstreamURL)
		if err != nil {
			return nil, fmt.Errorf("upstream_url=%q: %w", cfg.UpstreamURL, err)
		}
		w.target = target
		w.function = newProxy(target, cfg.ExecTimeout, cfg.BufferHTTPBody, w.ready, w.gone, w.log)
	case cfg.Mode.forks():
		f := &forker{
			argv: cfg.argv(), environ: opts.Environ, base: w.procs,
			execTimeout: cfg.ExecTimeout, writeTimeout: cfg.WriteTimeout,
			cgi: cfg.CGIHeaders, combine: cfg.CombineOutput, contentType: cfg.ContentType,
			marshal: cfg.MarshalRequest, debug: cfg.WriteDebug,
			stdout: w.stdout, stderr: w.stderr, logBufferSize: cfg.LogBufferSize, log: w.log,
			running: &tally{},
		}
		w.running = f.running
		switch cfg.Mode {
		case ModeClassic:
			w.function = f.classic()
		case ModeSerializing:
			w.function = f.serializing()
		default:
			w.function = f.streaming()
		}
	default: // static
		w.function = http.FileServer(http.Dir(cfg.StaticPath))
	}
	w.handler = w.routes()
	return w, nil
}

// Handler is everything the watchdog serves: /_/health, /_/ready, and the
// function at every other path.
func (w *Watchdog) Handler() http.Handler { return w.handler }

func (w *Watchdog) routes() http.Handler {
	health := healthHandler(w.health)
	ready := readyHandler(w.health, w.limit, w.function, w.cfg.ReadyPath)
	function := accessLog(w.log, w.cfg.LogCallID, w.limit.wrap(w.function))
	// A switch rather than a ServeMux: a mux would answer paths such as
	// //a or /a/../b with a redirect instead of passing them on to the
	// function as they came.
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_/health":
			health(rw, r)
		case "/_/ready":
			ready(rw, r)
		default:
			function.ServeHTTP(rw, r)
		}
	})
}

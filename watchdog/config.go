package watchdog

import (
	"time"
)

// Mode is how the function process serves requests: the value of the
// mode variable.
type Mode string

const (
	// ModeHTTP starts fprocess once and proxies every request to it at
	// upstream_url.
	ModeHTTP Mode = "http"
	// ModeStreaming forks fprocess per request, streaming the request
	// body to its stdin and its stdout to the client as it is written.
	ModeStreaming Mode = "streaming"
	// ModeSerializing forks fprocess per request with the whole request
	// body on its stdin, and answers its whole stdout once it exits.
	ModeSerializing Mode = "serializing"
	// ModeClassic forks fprocess per request as the classic watchdog
	// does: like serializing, plus its methods, combine_output,
	// marshal_request and its answers to failures.
	ModeClassic Mode = "classic"
	// ModeStatic serves the files under static_path.
	ModeStatic Mode = "static"
)

// forks reports whether the mode starts a process per request.
func (m Mode) forks() bool {
	return m == ModeStreaming || m == ModeSerializing || m == ModeClassic
}

// Config is the watchdog's configuration. Each field names the
// environment variable it is read from; the defaults are those of the
// original watchdog being replaced (see [OFWatchdogDefaults] and
// [ClassicDefaults]).
type Config struct {
	// Port is where the watchdog listens (port); 0 picks a free port.
	Port int
	// Mode selects how requests reach the function (mode).
	Mode Mode
	// FunctionProcess is the command line of the function (fprocess, or
	// function_process, which wins). It is split on spaces, without
	// quoting, as the originals split it.
	FunctionProcess string
	// UpstreamURL is where the function listens in http mode
	// (upstream_url, or http_upstream_url, which wins).
	UpstreamURL string

	// ReadTimeout bounds reading a request, body included (read_timeout).
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response (write_timeout), and how long
	// a drain waits for in-flight requests.
	WriteTimeout time.Duration
	// ExecTimeout bounds one invocation (exec_timeout); 0 means none.
	ExecTimeout time.Duration
	// HealthcheckInterval is how long a drain keeps serving after the lock
	// file is removed, so that the orchestrator's health checks see it
	// and stop sending traffic (healthcheck_interval). Unset, it is
	// WriteTimeout, as in both originals.
	HealthcheckInterval time.Duration

	// MaxInflight caps concurrent function requests; beyond it requests
	// are answered 429 (max_inflight). 0 means no cap.
	MaxInflight int
	// ContentType is the Content-Type of the fork modes' answers
	// (content_type). Empty means the request's own Content-Type, as the
	// classic watchdog does.
	ContentType string
	// PrefixLogs puts a date, a time and the stream's name before each
	// line the function writes to stdout or stderr (prefix_logs).
	PrefixLogs bool
	// LogBufferSize is the longest line of function output logged as one
	// line; longer lines are split. Negative means unbounded
	// (log_buffer_size).
	LogBufferSize int
	// LogCallID adds the request's X-Call-Id to the request log
	// (log_callid).
	LogCallID bool
	// SuppressLock skips the lock file: health then follows only whether
	// the watchdog is serving (suppress_lock).
	SuppressLock bool
	// LockPath is the lock file whose presence /_/health reports. It is
	// .lock in TMPDIR (/tmp when unset), as os.TempDir gives it to the
	// originals.
	LockPath string

	// BufferHTTPBody reads a request's whole body before proxying it, so
	// that the upstream gets a Content-Length rather than a chunked body
	// (http_buffer_req_body, or its older name buffer_http).
	BufferHTTPBody bool
	// ReadyPath, when set, makes /_/ready invoke the function at this path
	// and answer what it answers (ready_path).
	ReadyPath string
	// StaticPath is the directory static mode serves (static_path).
	StaticPath string

	// CGIHeaders passes the request's method, path, query and headers to
	// forked processes as Http_* environment variables (cgi_headers).
	CGIHeaders bool
	// CombineOutput answers stderr along with stdout in the buffering
	// fork modes, instead of logging it (combine_output).
	CombineOutput bool
	// MarshalRequest gives a classic process a JSON document of the
	// request's headers and body instead of the raw body
	// (marshal_request).
	MarshalRequest bool
	// WriteDebug logs a classic process's answers (write_debug).
	WriteDebug bool
}

// OFWatchdogDefaults is of-watchdog's configuration before the
// environment is read (its config/config.go): streaming mode, 30s
// timeouts, exec_timeout included, and application/octet-stream answers.
func OFWatchdogDefaults() Config {
	return Config{
		Port:          8080,
		Mode:          ModeStreaming,
		ReadTimeout:   30 * time.Second,
		WriteTimeout:  30 * time.Second,
		ExecTimeout:   30 * time.Second,
		ContentType:   "application/octet-stream",
		PrefixLogs:    true,
		LogBufferSize: defaultLogBufferSize,
		StaticPath:    "/home/app/public",
		CGIHeaders:    true,
	}
}

// ClassicDefaults is the classic watchdog's configuration before the
// environment is read (its readconfig.go): a fork per request, 30s read
// and write timeouts, no exec_timeout, stderr combined into the answer,
// and answers typed as their requests were.
func ClassicDefaults() Config {
	return Config{
		Port:          8080,
		Mode:          ModeClassic,
		ReadTimeout:   30 * time.Second,
		WriteTimeout:  30 * time.Second,
		PrefixLogs:    true,
		LogBufferSize: defaultLogBufferSize,
		StaticPath:    "/home/app/public",
		CGIHeaders:    true,
		CombineOutput: true,
	}
}

// defaultLogBufferSize is bufio.MaxScanTokenSize, of-watchdog's default.
const defaultLogBufferSize = 64 * 1024

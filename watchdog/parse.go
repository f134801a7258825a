package watchdog

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"time"
)

// Lookup reads one environment variable: os.LookupEnv, or a test's map.
type Lookup func(key string) (string, bool)

// Parse reads the watchdog's environment variables over defaults, which
// name the original being replaced. A variable that is unset or empty
// keeps its default. Unlike the originals, which quietly fall back to the
// default on a value they cannot read, Parse reports every unreadable
// value at once: a typo in a Dockerfile should stop the function at start,
// not change how it behaves.
func Parse(look Lookup, defaults Config) (Config, error) {
	p := parser{look: look}
	c := defaults

	c.Port = p.integer("port", c.Port)
	if c.Port < 0 || c.Port > 65535 {
		p.fail("port=%d: not a TCP port", c.Port)
	}
	if v, ok := p.value("mode"); ok {
		c.Mode = Mode(v)
	}
	c.FunctionProcess = p.first(c.FunctionProcess, "function_process", "fprocess")
	c.UpstreamURL = p.first(c.UpstreamURL, "http_upstream_url", "upstream_url")

	c.ReadTimeout = p.duration("read_timeout", c.ReadTimeout)
	c.WriteTimeout = p.duration("write_timeout", c.WriteTimeout)
	c.ExecTimeout = p.duration("exec_timeout", c.ExecTimeout)
	// Both originals default the interval to the write timeout as read,
	// not as defaulted.
	if c.HealthcheckInterval == 0 {
		c.HealthcheckInterval = c.WriteTimeout
	}
	c.HealthcheckInterval = p.duration("healthcheck_interval", c.HealthcheckInterval)

	// Zero or less is no cap in both originals.
	c.MaxInflight = max(p.integer("max_inflight", c.MaxInflight), 0)
	if v, ok := look("content_type"); ok {
		c.ContentType = v
	}
	c.PrefixLogs = p.boolean("prefix_logs", c.PrefixLogs)
	c.LogBufferSize = p.integer("log_buffer_size", c.LogBufferSize)
	switch {
	case c.LogBufferSize == 0:
		p.fail("log_buffer_size=0: want a size in bytes, or -1 for unbounded lines")
	case c.LogBufferSize < 0:
		c.LogBufferSize = -1
	}
	// of-watchdog reads log_callid; its README says log_call_id.
	c.LogCallID = p.boolean("log_call_id", p.boolean("log_callid", c.LogCallID))
	c.SuppressLock = p.boolean("suppress_lock", c.SuppressLock)
	if c.LockPath == "" {
		c.LockPath = LockPath(look)
	}

	c.BufferHTTPBody = p.boolean("http_buffer_req_body", c.BufferHTTPBody) || p.boolean("buffer_http", false)
	c.ReadyPath = p.first(c.ReadyPath, "ready_path")
	c.StaticPath = p.first(c.StaticPath, "static_path")

	c.CGIHeaders = p.boolean("cgi_headers", c.CGIHeaders)
	c.CombineOutput = p.boolean("combine_output", c.CombineOutput)
	c.MarshalRequest = p.boolean("marshal_request", c.MarshalRequest)
	c.WriteDebug = p.boolean("write_debug", c.WriteDebug)

	p.errs = append(p.errs, c.check()...)
	if err := errors.Join(p.errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// LockPath is where the lock file lives for the environment look reads:
// .lock in TMPDIR, or in /tmp, as os.TempDir places it for the originals.
// The -run-healthcheck flag needs it without the rest of the config.
func LockPath(look Lookup) string {
	dir, _ := look("TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	return filepath.Join(dir, ".lock")
}

// check reports the settings that cannot work together.
func (c Config) check() []error {
	var errs []error
	switch c.Mode {
	case ModeHTTP, ModeStreaming, ModeSerializing, ModeClassic, ModeStatic:
	default:
		errs = append(errs, fmt.Errorf("mode=%q: want http, streaming, serializing, classic or static", c.Mode))
	}
	// of-watchdog refuses it; in the classic watchdog it would make a drain
	// wait forever.
	if c.WriteTimeout <= 0 {
		errs = append(errs, errors.New("write_timeout must be over 0s"))
	}
	if c.Mode != ModeStatic && len(c.argv()) == 0 {
		errs = append(errs, errors.New(`provide a "function_process" or "fprocess" environmental variable for your function`))
	}
	if c.Mode == ModeHTTP {
		u, err := url.Parse(c.UpstreamURL)
		switch {
		case c.UpstreamURL == "":
			errs = append(errs, errors.New(`mode=http: set "upstream_url" (or "http_upstream_url") to where fprocess listens, such as http://127.0.0.1:5000`))
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			errs = append(errs, fmt.Errorf("upstream_url=%q: want a URL such as http://127.0.0.1:5000", c.UpstreamURL))
		}
	}
	return errs
}

// parser reads typed values and collects every error.
type parser struct {
	look Lookup
	errs []error
}

func (p *parser) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

// value is key's value when it is set and not empty: an empty value keeps
// the default in both originals.
func (p *parser) value(key string) (string, bool) {
	v, ok := p.look(key)
	return v, ok && v != ""
}

// first returns the value of the first of keys that is set, or def; the
// keys are an alias pair, the one the original applies last first.
func (p *parser) first(def string, keys ...string) string {
	for _, k := range keys {
		if v, ok := p.value(k); ok {
			return v
		}
	}
	return def
}

func (p *parser) integer(key string, def int) int {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fail("%s=%q: not a whole number", key, v)
		return def
	}
	return n
}

// boolean accepts what strconv.ParseBool does: the originals' "true" and
// "1" among them.
func (p *parser) boolean(key string, def bool) bool {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail("%s=%q: want true or false", key, v)
		return def
	}
	return b
}

// duration accepts a whole number of seconds ("10") or a Go duration
// ("10s", "1m30s"), as both originals do.
func (p *parser) duration(key string, def time.Duration) time.Duration {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		p.fail("%s=%q: want seconds (10) or a duration (10s, 1m)", key, v)
		return def
	}
	return d
}

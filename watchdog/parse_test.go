package watchdog

import (
	"strings"
	"testing"
	"time"
)

func lookupMap(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// TestDefaults pins every default of both originals, as their code sets
// them (of-watchdog config/config.go, classic-watchdog readconfig.go).
func TestDefaults(t *testing.T) {
	env := map[string]string{"fprocess": "cat"}
	of, err := Parse(lookupMap(env), OFWatchdogDefaults())
	if err != nil {
		t.Fatal(err)
	}
	classic, err := Parse(lookupMap(env), ClassicDefaults())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]any{
		"port":                 {8080, 8080},
		"mode":                 {ModeStreaming, ModeClassic},
		"fprocess":             {"cat", "cat"},
		"upstream_url":         {"", ""},
		"read_timeout":         {30 * time.Second, 30 * time.Second},
		"write_timeout":        {30 * time.Second, 30 * time.Second},
		"exec_timeout":         {30 * time.Second, time.Duration(0)},
		"healthcheck_interval": {30 * time.Second, 30 * time.Second},
		"max_inflight":         {0, 0},
		"content_type":         {"application/octet-stream", ""},
		"prefix_logs":          {true, true},
		"log_buffer_size":      {64 * 1024, 64 * 1024},
		"log_callid":           {false, false},
		"suppress_lock":        {false, false},
		"lock path":            {"/tmp/.lock", "/tmp/.lock"},
		"http_buffer_req_body": {false, false},
		"ready_path":           {"", ""},
		"static_path":          {"/home/app/public", "/home/app/public"},
		"cgi_headers":          {true, true},
		"combine_output":       {false, true},
		"marshal_request":      {false, false},
		"write_debug":          {false, false},
	}
	for name, w := range want {
		for i, c := range []Config{of, classic} {
			if got := field(c, name); got != w[i] {
				t.Errorf("%s default of %s: got %v, want %v", []string{"of-watchdog", "classic"}[i], name, got, w[i])
			}
		}
	}
}

// field is the Config field a variable sets, by the variable's name.
func field(c Config, name string) any {
	return map[string]any{
		"port": c.Port, "mode": c.Mode, "fprocess": c.FunctionProcess, "upstream_url": c.UpstreamURL,
		"read_timeout": c.ReadTimeout, "write_timeout": c.WriteTimeout, "exec_timeout": c.ExecTimeout,
		"healthcheck_interval": c.HealthcheckInterval, "max_inflight": c.MaxInflight, "content_type": c.ContentType,
		"prefix_logs": c.PrefixLogs, "log_buffer_size": c.LogBufferSize, "log_callid": c.LogCallID,
		"suppress_lock": c.SuppressLock, "lock path": c.LockPath, "http_buffer_req_body": c.BufferHTTPBody,
		"ready_path": c.ReadyPath, "static_path": c.StaticPath, "cgi_headers": c.CGIHeaders,
		"combine_output": c.CombineOutput, "marshal_request": c.MarshalRequest, "write_debug": c.WriteDebug,
	}[name]
}

func TestParseVariables(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		field string
		want  any
	}{
		{"port", map[string]string{"port": "8081"}, "port", 8081},
		{"mode http", map[string]string{"mode": "http", "upstream_url": "http://127.0.0.1:5000"}, "mode", ModeHTTP},
		{"mode serializing", map[string]string{"mode": "serializing"}, "mode", ModeSerializing},
		{"mode streaming", map[string]string{"mode": "streaming"}, "mode", ModeStreaming},
		{"mode classic", map[string]string{"mode": "classic"}, "mode", ModeClassic},
		{"mode static", map[string]string{"mode": "static"}, "mode", ModeStatic},
		{"function_process wins over fprocess", map[string]string{"fprocess": "a", "function_process": "b"}, "fprocess", "b"},
		{"function_process alone", map[string]string{"fprocess": "", "function_process": "node index.js"}, "fprocess", "node index.js"},
		{"upstream_url", map[string]string{"upstream_url": "http://127.0.0.1:3000"}, "upstream_url", "http://127.0.0.1:3000"},
		{"http_upstream_url wins", map[string]string{"upstream_url": "http://a:1", "http_upstream_url": "http://b:2"}, "upstream_url", "http://b:2"},
		{"read_timeout seconds", map[string]string{"read_timeout": "10"}, "read_timeout", 10 * time.Second},
		{"read_timeout duration", map[string]string{"read_timeout": "1m30s"}, "read_timeout", 90 * time.Second},
		{"write_timeout", map[string]string{"write_timeout": "5s"}, "write_timeout", 5 * time.Second},
		{"exec_timeout seconds", map[string]string{"exec_timeout": "7"}, "exec_timeout", 7 * time.Second},
		{"exec_timeout zero disables", map[string]string{"exec_timeout": "0"}, "exec_timeout", time.Duration(0)},
		{"exec_timeout milliseconds", map[string]string{"exec_timeout": "250ms"}, "exec_timeout", 250 * time.Millisecond},
		{"healthcheck_interval follows write_timeout", map[string]string{"write_timeout": "12s"}, "healthcheck_interval", 12 * time.Second},
		{"healthcheck_interval", map[string]string{"write_timeout": "12s", "healthcheck_interval": "3"}, "healthcheck_interval", 3 * time.Second},
		{"max_inflight", map[string]string{"max_inflight": "5"}, "max_inflight", 5},
		{"max_inflight negative is no cap", map[string]string{"max_inflight": "-1"}, "max_inflight", 0},
		{"content_type", map[string]string{"content_type": "application/json"}, "content_type", "application/json"},
		{"content_type set empty", map[string]string{"content_type": ""}, "content_type", ""},
		{"prefix_logs false", map[string]string{"prefix_logs": "false"}, "prefix_logs", false},
		{"prefix_logs 0", map[string]string{"prefix_logs": "0"}, "prefix_logs", false},
		{"prefix_logs empty keeps default", map[string]string{"prefix_logs": ""}, "prefix_logs", true},
		{"log_buffer_size", map[string]string{"log_buffer_size": "1024"}, "log_buffer_size", 1024},
		{"log_buffer_size unbounded", map[string]string{"log_buffer_size": "-1"}, "log_buffer_size", -1},
		{"log_callid 1", map[string]string{"log_callid": "1"}, "log_callid", true},
		{"log_call_id", map[string]string{"log_call_id": "true"}, "log_callid", true},
		{"suppress_lock true", map[string]string{"suppress_lock": "true"}, "suppress_lock", true},
		{"suppress_lock 1", map[string]string{"suppress_lock": "1"}, "suppress_lock", true},
		{"lock path follows TMPDIR", map[string]string{"TMPDIR": "/var/tmp"}, "lock path", "/var/tmp/.lock"},
		{"http_buffer_req_body", map[string]string{"http_buffer_req_body": "true"}, "http_buffer_req_body", true},
		{"buffer_http", map[string]string{"buffer_http": "true"}, "http_buffer_req_body", true},
		{"ready_path", map[string]string{"ready_path": "/ready"}, "ready_path", "/ready"},
		{"static_path", map[string]string{"static_path": "/srv"}, "static_path", "/srv"},
		{"cgi_headers false", map[string]string{"cgi_headers": "false"}, "cgi_headers", false},
		{"combine_output", map[string]string{"combine_output": "true"}, "combine_output", true},
		{"marshal_request", map[string]string{"marshal_request": "true"}, "marshal_request", true},
		{"write_debug", map[string]string{"write_debug": "true"}, "write_debug", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"fprocess": "cat"}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := Parse(lookupMap(env), OFWatchdogDefaults())
			if err != nil {
				t.Fatal(err)
			}
			if got := field(c, tt.field); got != tt.want {
				t.Errorf("%s: got %v, want %v", tt.field, got, tt.want)
			}
		})
	}
}

func TestClassicCombineOutputOff(t *testing.T) {
	c, err := Parse(lookupMap(map[string]string{"fprocess": "cat", "combine_output": "false"}), ClassicDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if c.CombineOutput {
		t.Error("combine_output=false: still combined")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // each in the error
	}{
		{"no fprocess", map[string]string{}, []string{`"fprocess"`}},
		{"static needs no fprocess", map[string]string{"mode": "static"}, nil},
		{"unknown mode", map[string]string{"fprocess": "cat", "mode": "afterburn"}, []string{`mode="afterburn"`}},
		{"http without upstream_url", map[string]string{"fprocess": "node", "mode": "http"}, []string{"upstream_url"}},
		{"http with a bad upstream_url", map[string]string{"fprocess": "node", "mode": "http", "upstream_url": "127.0.0.1:3000"}, []string{`upstream_url="127.0.0.1:3000"`}},
		{"zero write_timeout", map[string]string{"fprocess": "cat", "write_timeout": "0"}, []string{"write_timeout must be over 0s"}},
		{"bad duration", map[string]string{"fprocess": "cat", "exec_timeout": "ten"}, []string{`exec_timeout="ten"`}},
		{"negative duration", map[string]string{"fprocess": "cat", "read_timeout": "-5s"}, []string{`read_timeout="-5s"`}},
		{"bad port", map[string]string{"fprocess": "cat", "port": "http"}, []string{`port="http"`}},
		{"port out of range", map[string]string{"fprocess": "cat", "port": "70000"}, []string{"port=70000"}},
		{"bad bool", map[string]string{"fprocess": "cat", "suppress_lock": "yes"}, []string{`suppress_lock="yes"`}},
		{"zero log_buffer_size", map[string]string{"fprocess": "cat", "log_buffer_size": "0"}, []string{"log_buffer_size=0"}},
		{"every error at once", map[string]string{"fprocess": "cat", "port": "x", "max_inflight": "y"}, []string{`port="x"`, `max_inflight="y"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(lookupMap(tt.env), OFWatchdogDefaults())
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestArgv(t *testing.T) {
	c := Config{FunctionProcess: "  python3  index.py --flag "}
	got := c.argv()
	want := []string{"python3", "index.py", "--flag"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("argv = %q, want %q", got, want)
	}
}

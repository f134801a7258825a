package watchdog

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// durationHeader matches X-Duration-Seconds as the originals format it.
var durationHeader = regexp.MustCompile(`^\d+\.\d{6}$`)

func TestSerializingPassesTheRequest(t *testing.T) {
	h := start(t, testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("env")))
	h.waitHealthy()
	req := h.request(http.MethodPost, "/my/path?q=x&page=1", "hello")
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("X-Forwarded-For", "10.0.0.1")
	res, body := h.do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	for _, want := range []string{
		"body=hello\n", "Http_Method=POST\n", "Http_Path=/my/path\n", "Http_Query=q=x&page=1\n",
		"Http_Content_Type=text/plain\n", "Http_X_Forwarded_For=10.0.0.1\n", "PARENT_VAR=from-parent\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("answer lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Http_Host=") {
		t.Errorf("of-watchdog does not set Http_Host:\n%s", body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type %q, want of-watchdog's default application/octet-stream", ct)
	}
	if d := res.Header.Get("X-Duration-Seconds"); !durationHeader.MatchString(d) {
		t.Errorf("X-Duration-Seconds %q", d)
	}
}

func TestSerializingFailure(t *testing.T) {
	for _, combine := range []bool{false, true} {
		t.Run("combine_output="+strconv.FormatBool(combine), func(t *testing.T) {
			cfg := testConfig(t, OFWatchdogDefaults(), ModeSerializing, fprocess("fail"))
			cfg.CombineOutput = combine
			h := start(t, cfg)
			h.waitHealthy()
			res, body := h.do(h.request(http.MethodPost, "/", ""))
			if res.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500", res.StatusCode)
			}
			if !strings.HasPrefix(body, "exit status 3") {
				t.Errorf("answer %q, want the exit status first", body)
			}
			inAnswer := strings.Contains(body, "something broke")
			if inAnswer != combine {
				t.Errorf("stderr in the answer: %v, want %v (%q)", inAnswer, combine, body)
			}
			if !combine {
				// stderr is the function's log, prefixed as the standard logger
				// prefixes it.
				eventually(t, "stderr logged", func() bool {
					return regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d stderr: something broke$`).MatchString(h.stderr.String())
				})
			}
		})
	}
}

func TestForkTimeoutKillsTheProcessGroup(t *testing.T) {
	tests := []struct {
		defaults Config
		mode     Mode
		status   int
		body     string
	}{
		{OFWatchdogDefaults(), ModeSerializing, http.StatusInternalServerError, "killed: exec_timeout"},
		{ClassicDefaults(), ModeClassic, http.StatusRequestTimeout, "Killed process.\n"},
		{OFWatchdogDefaults(), ModeStreaming, http.StatusInternalServerError, "killed: exec_timeout"},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(t, tt.defaults, tt.mode, fprocess("hang", dir))
			// Long enough for the process to record its pids first.
			cfg.ExecTimeout = 3 * time.Second
			h := start(t, cfg)
			h.waitHealthy()
			res, body := h.do(h.request(http.MethodPost, "/", ""))
			if res.StatusCode != tt.status || !strings.Contains(body, tt.body) {
				t.Errorf("answered %d %q, want %d %q", res.StatusCode, body, tt.status, tt.body)
			}
			if d, _ := strconv.ParseFloat(res.Header.Get("X-Duration-Seconds"), 64); d < cfg.ExecTimeout.Seconds() {
				t.Errorf("X-Duration-Seconds %v, below exec_timeout", d)
			}
			for _, name := range []string{"child.pid", "grandchild.pid"} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				pid, _ := strconv.Atoi(string(b))
				eventually(t, name+" gone", func() bool { return gone(pid) })
			}
		})
	}
}

// gone reports whether pid has exited: no such process, or a zombie
// waiting for a parent that is not us.
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// "pid (comm) S ...": the state follows the command's closing paren.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

func TestClassic(t *testing.T) {
	h := start(t, testConfig(t, ClassicDefaults(), ModeClassic, fprocess("env")))
	h.waitHealthy()
	req := h.request(http.MethodPost, "/p?x=1", "hi")
	req.Header.Set("Content-Type", "application/json")
	req.Host = "fn.example"
	res, body := h.do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	for _, want := range []string{"body=hi\n", "Http_Method=POST\n", "Http_Path=/p\n", "Http_Query=x=1\n",
		"Http_ContentLength=2\n", "Http_Content_Length=2\n", "Http_Host=fn.example\n", "Http_Content_Type=application/json\n", "PARENT_VAR=from-parent\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("answer lacks %q:\n%s", want, body)
		}
	}
	// Without content_type the answer is typed as the request was.
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want the request's", ct)
	}
	if d := res.Header.Get("X-Duration-Seconds"); !durationHeader.MatchString(d) {
		t.Errorf("X-Duration-Seconds %q", d)
	}
	if res, _ := h.do(h.request(http.MethodOptions, "/", "")); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("OPTIONS answered %d, want 405", res.StatusCode)
	}
}

func TestClassicContentTypeAndFailure(t *testing.T) {
	for _, combine := range []bool{true, false} {
		t.Run("combine_output="+strconv.FormatBool(combine), func(t *testing.T) {
			cfg := testConfig(t, ClassicDefaults(), ModeClassic, fprocess("fail"))
			cfg.CombineOutput = combine
			h := start(t, cfg)
			h.waitHealthy()
			res, body := h.do(h.request(http.MethodPost, "/", ""))
			if res.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500", res.StatusCode)
			}
			want := "exit status 3\npartial answer\n"
			if combine {
				want += "something broke\n"
			}
			if body != want {
				t.Errorf("answer %q, want %q", body, want)
			}
			if !combine {
				eventually(t, "stderr logged", func() bool { return strings.Contains(h.stderr.String(), "stderr: something broke") })
			}
		})
	}
}

func TestClassicOptions(t *testing.T) {
	cfg := testConfig(t, ClassicDefaults(), ModeClassic, fprocess("cat"))
	cfg.ContentType = "text/csv"
	cfg.MarshalRequest = true
	cfg.WriteDebug = true
	h := start(t, cfg)
	h.waitHealthy()
	req := h.request(http.MethodPut, "/", "raw body")
	req.Header.Set("X-Custom", "v")
	res, body := h.do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv" {
		t.Errorf("Content-Type %q, want content_type's", ct)
	}
	var doc struct {
		Header http.Header `json:"header"`
		Body   struct {
			Raw string `json:"raw"`
		} `json:"body"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("marshal_request: %v: %q", err, body)
	}
	raw, _ := base64.StdEncoding.DecodeString(doc.Body.Raw)
	if string(raw) != "raw body" || doc.Header.Get("X-Custom") != "v" {
		t.Errorf("marshalled request %+v", doc)
	}
	// write_debug: the answer also goes to the function's log.
	eventually(t, "answer logged", func() bool { return strings.Contains(h.stdout.String(), `"raw":`) })
}

func TestStreamingIsFullDuplex(t *testing.T) {
	h := start(t, testConfig(t, OFWatchdogDefaults(), ModeStreaming, fprocess("cat")))
	h.waitHealthy()
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, h.url+"/", pr)
	if err != nil {
		t.Fatal(err)
	}
	// The answer's headers come with the process's first output, so the
	// first line is sent while the request is being made.
	type answer struct {
		res *http.Response
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := h.client.Do(req)
		answered <- answer{res, err}
	}()
	// Each line comes back before the next is sent: the body streams in
	// and the answer streams out.
	var res *http.Response
	buf := make([]byte, 64)
	for _, line := range []string{"one\n", "two\n", "three\n"} {
		if _, err := pw.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
		if res == nil {
			a := <-answered
			if a.err != nil {
				t.Fatal(a.err)
			}
			res = a.res
			defer res.Body.Close()
		}
		got := ""
		for len(got) < len(line) {
			n, err := res.Body.Read(buf)
			got += string(buf[:n])
			if err != nil {
				t.Fatalf("after %q: %v", got, err)
			}
		}
		if got != line {
			t.Fatalf("read %q, want %q", got, line)
		}
	}
	_ = pw.Close()
	if rest, err := io.ReadAll(res.Body); err != nil || len(rest) != 0 {
		t.Errorf("after the body: %q, %v", rest, err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestStreamingFailure(t *testing.T) {
	t.Run("before any output", func(t *testing.T) {
		h := start(t, testConfig(t, OFWatchdogDefaults(), ModeStreaming, fprocess("sleep-missing-role")))
		h.waitHealthy()
		res, body := h.do(h.request(http.MethodGet, "/", ""))
		if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "exit status 2") {
			t.Errorf("answered %d %q, want 500 with the exit status", res.StatusCode, body)
		}
	})
	t.Run("after output", func(t *testing.T) {
		dir := t.TempDir()
		h := start(t, testConfig(t, OFWatchdogDefaults(), ModeStreaming, fprocess("write-then-fail", filepath.Join(dir, "release"))))
		h.waitHealthy()
		res, err := h.client.Get(h.url + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		buf := make([]byte, 6)
		if _, err := io.ReadFull(res.Body, buf); err != nil || string(buf) != "first\n" {
			t.Fatalf("read %q, %v", buf, err)
		}
		touch(filepath.Join(dir, "release"))
		// The connection is dropped, so the client cannot take the cut
		// answer for a whole one.
		if _, err := io.ReadAll(res.Body); err == nil {
			t.Error("the answer of a failed process ended as if complete")
		}
	})
}

// TestReadTimeoutBoundsTheBody sends part of a body and stalls: the fork
// modes that read the body first give up after read_timeout, answering as
// each original answers a body it could not read.
func TestReadTimeoutBoundsTheBody(t *testing.T) {
	tests := []struct {
		defaults Config
		mode     Mode
		status   int
	}{
		{OFWatchdogDefaults(), ModeSerializing, http.StatusInternalServerError},
		{ClassicDefaults(), ModeClassic, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			cfg := testConfig(t, tt.defaults, tt.mode, fprocess("cat"))
			cfg.ReadTimeout = 300 * time.Millisecond
			h := start(t, cfg)
			h.waitHealthy()
			pr, pw := io.Pipe()
			defer pw.Close()
			go func() { _, _ = pw.Write([]byte("part of a body")) }()
			req, err := http.NewRequest(http.MethodPost, h.url+"/", pr)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, body := h.do(req)
			if res.StatusCode != tt.status || !strings.Contains(body, "timeout") {
				t.Errorf("answered %d %q, want %d and the timeout", res.StatusCode, body, tt.status)
			}
			if took := time.Since(start); took < cfg.ReadTimeout {
				t.Errorf("answered after %s, before read_timeout", took)
			}
		})
	}
}

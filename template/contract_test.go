package template

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// upstream runs a prepared template's HTTP server with the interpreter of
// this machine, on a free port given in http_port, as the watchdog would
// start it; it returns the server's address.
func upstream(t *testing.T, dir, interpreter string, env ...string) string {
	t.Helper()
	bin, err := exec.LookPath(interpreter)
	if err != nil {
		testenv.Missing(t, interpreter+" runs the template's server: "+err.Error())
	}
	port := freePort(t)
	cmd := exec.Command(bin, "index.js")
	if interpreter != "node" {
		cmd = exec.Command(bin, "index.py")
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"http_port=" + port, "PYTHONDONTWRITEBYTECODE=1"}, env...)...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})
	base := "http://127.0.0.1:" + port
	waitListening(t, "127.0.0.1:"+port)
	return base
}

type answer struct {
	status      int
	contentType string
	header      http.Header
	body        string
}

func do(t *testing.T, method, url, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header.Get("Content-Type"), res.Header, string(b)}
}

const nodeContractHandler = `'use strict'
module.exports = async (event, context) => {
  switch (event.path) {
  case '/json':
    return context.status(201).headers({'X-Fn': 'yes'}).succeed({
      method: event.method, path: event.path, query: event.query, body: event.body,
      type: event.headers['content-type'] })
  case '/text':
    return 'text:' + event.body
  case '/typed':
    context.headers({'Content-Type': 'application/json'})
    return [1, 2]
  case '/fail':
    return context.fail('boom')
  case '/throw':
    throw new Error('thrown')
  case '/callback':
    return new Promise(resolve => setTimeout(() => { context.status(202).succeed('later'); resolve() }, 10))
  }
  return { body: event.body }
}
`

// TestNodeTemplateContract calls a node20 handler written for OpenFaaS
// and checks each answer against the contract of OpenFaaS's template
// (Express and body-parser behind it).
func TestNodeTemplateContract(t *testing.T) {
	dir := prepare(t, "node20", map[string]string{"handler.js": nodeContractHandler})
	base := upstream(t, dir, "node")

	a := do(t, "POST", base+"/json?x=1&x=2&y=z", "application/json", `{"a":1}`)
	var got map[string]any
	if err := json.Unmarshal([]byte(a.body), &got); err != nil {
		t.Fatalf("body %q: %v", a.body, err)
	}
	want := map[string]any{"method": "POST", "path": "/json", "query": map[string]any{"x": []any{"1", "2"}, "y": "z"},
		"body": map[string]any{"a": float64(1)}, "type": "application/json"}
	if a.status != 201 || a.header.Get("X-Fn") != "yes" || !reflect.DeepEqual(got, want) {
		t.Errorf("POST /json = %d %v %s", a.status, a.header, a.body)
	}
	// Express sends a string, the JSON included, as HTML unless told.
	if a.contentType != "text/html; charset=utf-8" {
		t.Errorf("object result Content-Type = %q", a.contentType)
	}
	for _, tc := range []struct {
		method, path, ctype, body string
		status                    int
		wantType, wantBody        string
	}{
		{"POST", "/text", "text/plain", "hi", 200, "text/html; charset=utf-8", "text:hi"},
		{"POST", "/text", "", "no type is text", 200, "text/html; charset=utf-8", "text:no type is text"},
		{"GET", "/echo", "", "", 200, "text/html; charset=utf-8", `{"body":{}}`},
		{"PUT", "/echo", "application/x-www-form-urlencoded", "a=1&b=2", 200, "text/html; charset=utf-8", `{"body":{"a":"1","b":"2"}}`},
		{"POST", "/echo", "application/octet-stream", "\x00\x01", 200, "text/html; charset=utf-8", `{"body":{}}`},
		{"POST", "/typed", "", "", 200, "application/json; charset=utf-8", "[1,2]"},
		{"DELETE", "/fail", "", "", 500, "text/html; charset=utf-8", "boom"},
		{"POST", "/throw", "", "", 500, "text/html; charset=utf-8", "Error: thrown"},
		{"PATCH", "/callback", "", "", 202, "text/html; charset=utf-8", "later"},
		{"POST", "/json", "application/json", `{"a":`, 400, "", ""},
	} {
		a := do(t, tc.method, base+tc.path, tc.ctype, tc.body)
		if a.status != tc.status || (tc.wantType != "" && a.contentType != tc.wantType) || (tc.wantBody != "" && a.body != tc.wantBody) {
			t.Errorf("%s %s (%s %q) = %d %q %q, want %d %q %q", tc.method, tc.path, tc.ctype, tc.body,
				a.status, a.contentType, a.body, tc.status, tc.wantType, tc.wantBody)
		}
	}

	raw := upstream(t, dir, "node", "RAW_BODY=true")
	if a := do(t, "POST", raw+"/echo", "application/json", `{"a":1}`); a.body != `{"body":{"type":"Buffer","data":[123,34,97,34,58,49,125]}}` {
		t.Errorf("RAW_BODY=true: body reached the handler as %s, want a Buffer", a.body)
	}
	big := strings.Repeat("x", 101*1024)
	if a := do(t, "POST", base+"/text", "text/plain", big); a.status != 413 {
		t.Errorf("a body over 100kb = %d, want 413 as body-parser", a.status)
	}
}

const pythonHTTPHandler = `import json

def handle(event, context):
    if event.path == "/json":
        return {
            "statusCode": 201,
            "body": {"method": event.method, "x": event.query.getlist("x"), "y": event.query.get("y"),
                     "in": json.loads(event.body), "type": event.headers.get("content-type"), "host": bool(context.hostname)},
            "headers": {"X-Fn": "yes"},
        }
    if event.path == "/text":
        return {"statusCode": 200, "body": "text:" + event.body.decode()}
    if event.path == "/none":
        return None
    if event.path == "/tuple":
        return ("made", 202, {"Content-Type": "text/plain"})
    raise ValueError("boom")
`

// TestPythonHTTPTemplateContract calls a python3-http handler written for
// OpenFaaS and checks each answer against the contract of OpenFaaS's
// template (Flask behind it).
func TestPythonHTTPTemplateContract(t *testing.T) {
	dir := prepare(t, "python3-http", map[string]string{"handler.py": pythonHTTPHandler})
	base := upstream(t, dir, "python3")
	a := do(t, "POST", base+"/json?x=1&x=2&y=z", "application/json", `{"a":1}`)
	// Flask's jsonify sorts keys and ends with a newline.
	want := `{"host":true,"in":{"a":1},"method":"POST","type":"application/json","x":["1","2"],"y":"z"}` + "\n"
	if a.status != 201 || a.contentType != "application/json" || a.header.Get("X-Fn") != "yes" || a.body != want {
		t.Errorf("POST /json = %d %q %v %q", a.status, a.contentType, a.header, a.body)
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
		wantType, wantBody string
	}{
		{"PUT", "/text", "hi", 200, "text/html; charset=utf-8", "text:hi"},
		{"GET", "/none", "", 200, "text/html; charset=utf-8", ""},
		{"PATCH", "/tuple", "", 202, "text/plain", "made"},
		{"DELETE", "/raise", "", 500, "", ""},
		{"HEAD", "/none", "", 200, "", ""},
		{"OPTIONS", "/json", "", 200, "", ""},
		{"TRACE", "/json", "", 405, "", ""},
	} {
		a := do(t, tc.method, base+tc.path, "text/plain", tc.body)
		if a.status != tc.status || (tc.wantType != "" && a.contentType != tc.wantType) || (a.body != tc.wantBody && (tc.wantBody != "" || tc.path == "/none")) {
			t.Errorf("%s %s = %d %q %q, want %d %q %q", tc.method, tc.path, a.status, a.contentType, a.body, tc.status, tc.wantType, tc.wantBody)
		}
	}
}

// TestPythonFlaskTemplateContract calls a python3-flask handler, which
// gets the body as text and returns what a Flask view would.
func TestPythonFlaskTemplateContract(t *testing.T) {
	dir := prepare(t, "python3-flask", map[string]string{
		"handler.py": "def handle(req):\n    if req == 'json':\n        return {'b': 2, 'a': 1}\n    if req == 'tuple':\n        return ('no', 404)\n    return 'got ' + req\n",
	})
	base := upstream(t, dir, "python3")
	for _, tc := range []struct {
		method, body       string
		status             int
		wantType, wantBody string
	}{
		{"POST", "hi", 200, "text/html; charset=utf-8", "got hi"},
		{"GET", "", 200, "text/html; charset=utf-8", "got "},
		{"POST", "json", 200, "application/json", "{\"a\":1,\"b\":2}\n"},
		{"POST", "tuple", 404, "text/html; charset=utf-8", "no"},
		{"PUT", "x", 405, "", ""},
	} {
		a := do(t, tc.method, base+"/", "text/plain", tc.body)
		if a.status != tc.status || (tc.wantType != "" && a.contentType != tc.wantType) || (tc.wantBody != "" && a.body != tc.wantBody) {
			t.Errorf("%s %q = %d %q %q, want %d %q %q", tc.method, tc.body, a.status, a.contentType, a.body, tc.status, tc.wantType, tc.wantBody)
		}
	}
}

// TestPythonClassicAnswersOnStdout runs the python3 template's index.py as
// the classic watchdog does: the body on stdin, the answer on stdout.
func TestPythonClassicAnswersOnStdout(t *testing.T) {
	bin, err := exec.LookPath("python3")
	if err != nil {
		testenv.Missing(t, "python3 runs the template: "+err.Error())
	}
	dir := prepare(t, "python3", map[string]string{"handler.py": "def handle(req):\n    return 'Hello! You said: ' + req\n"})
	cmd := exec.Command(bin, "index.py")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader("ping")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if string(out) != "Hello! You said: ping\n" {
		t.Errorf("stdout = %q", out)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := listen()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strings.TrimPrefix(l.Addr().String()[strings.LastIndex(l.Addr().String(), ":"):], ":")
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := dial(addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s after 30s", addr)
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func dial(addr string) (net.Conn, error) { return net.DialTimeout("tcp", addr, time.Second) }

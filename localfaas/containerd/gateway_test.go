package containerd_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fnimage"
	"github.com/ofcbuild/ofc/pipeline"
)

// callerCmd serves the usual function files plus
// /cgi-bin/call?HOST:PORT/PATH, which sends GET /PATH to HOST:PORT from
// inside the container, as a function calling another does, and answers
// the status line and body that came back, or the error. It speaks HTTP
// through busybox nc: Debian's static busybox wget crashes (SIGSEGV)
// before it sends anything.
var callerCmd = []string{"sh", "-c", `cat >/www/cgi-bin/call <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
host=${QUERY_STRING%%:*}
rest=${QUERY_STRING#*:}
port=${rest%%/*}
# nc closes its side when its input ends, and a Go server cancels a call
# whose client went away: the input stays open (sleep) until the answer
# has come and the gateway closed the connection.
if ! { printf 'GET /%s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "${rest#*/}" "$host" "$port"; sleep 10 & } |
	nc -w 5 "$host" "$port" >/tmp/answer 2>&1; then
	echo "call failed: $(cat /tmp/answer)"
	exit 0
fi
head -n 1 /tmp/answer
sed '1,/^\r$/d' /tmp/answer
EOF
chmod 755 /www/cgi-bin/call
exec httpd -f -v -p 8080 -h /www`}

// A function reaches another as on OpenFaaS: by the gateway's name and
// port, http://gateway.openfaas:8080/function/<name>, which resolves on
// the bridge to the gateway that listens there.
func TestFunctionCallsAnotherThroughTheGateway(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t)
	back := pipeline.FunctionSpec{Name: "back", DeployName: "owner-repo-back"}
	front := pipeline.FunctionSpec{Name: "front", DeployName: "owner-repo-front"}
	for _, d := range []struct {
		spec pipeline.FunctionSpec
		img  fnimage.Image
	}{
		{back, fnimage.Image{Answer: "answer of back"}},
		{front, fnimage.Image{Answer: "front", Cmd: callerCmd}},
	} {
		if err := c.Deploy(ctx, d.spec, e.push(t, d.spec.Name, d.img)); err != nil {
			t.Fatal(err)
		}
		if err := c.WaitReady(ctx, d.spec.DeployName); err != nil {
			t.Fatal(err)
		}
	}
	// call returns the status line and the body of the answer to GET url
	// (host:port/path), sent from inside front.
	call := func(url string) string {
		t.Helper()
		code, body := e.invoke(t, http.MethodGet, front.DeployName+"/cgi-bin/call?"+url, nil, nil)
		if code != http.StatusOK {
			t.Fatalf("call of %s through %s = %d %q", url, front.DeployName, code, body)
		}
		return strings.TrimSpace(body)
	}

	for _, host := range []string{"gateway.openfaas", "gateway"} {
		url := host + ":" + bridgePort + "/function/" + back.DeployName
		if got, want := call(url), "HTTP/1.0 200 OK\r\nanswer of back"; got != want {
			t.Errorf("http://%s from inside %s = %q, want %q", url, front.DeployName, got, want)
		}
	}
	// The API is the gateway's, guarded as it is on 127.0.0.1.
	if got := call("gateway.openfaas:" + bridgePort + "/system/functions"); !strings.HasPrefix(got, "HTTP/1.0 401 ") {
		t.Errorf("/system/functions without credentials from a function = %q, want a 401", got)
	}

	// /etc/hosts names the function at its own address and the gateway at
	// the bridge's; resolv.conf sends no query beyond the bridge.
	_, hosts := e.invoke(t, http.MethodGet, front.DeployName+"/cgi-bin/cat?/etc/hosts", nil, nil)
	gw := regexp.QuoteMeta(e.rt.GatewayIP().String())
	for _, want := range []string{
		`(?m)^127\.0\.0\.1\s+localhost$`,
		`(?m)^` + gw + `\s+gateway gateway\.openfaas$`,
		`(?m)^10\.63\.\d+\.\d+\s+` + front.DeployName + `$`,
	} {
		if !regexp.MustCompile(want).MatchString(hosts) {
			t.Errorf("/etc/hosts of %s does not match %s:\n%s", front.DeployName, want, hosts)
		}
	}
	_, resolv := e.invoke(t, http.MethodGet, front.DeployName+"/cgi-bin/cat?/etc/resolv.conf", nil, nil)
	if resolv == "missing\n" || strings.Contains(resolv, "nameserver") {
		t.Errorf("/etc/resolv.conf of %s = %q, want one with no name server", front.DeployName, resolv)
	}
	// A name that nothing resolves fails at once instead of waiting for a
	// name server that cannot be reached.
	began := time.Now()
	if got := call("not-a-function.example:80/"); !strings.Contains(got, "call failed: nc: bad address") {
		t.Errorf("call of an unknown host = %q, want a failure", got)
	}
	if took := time.Since(began); took > 3*time.Second {
		t.Errorf("an unknown host took %s to fail, want it at once", took)
	}

	// From this host, the bridge address serves the same API.
	req, err := http.NewRequest(http.MethodGet, e.bridgeURL()+"/function/"+back.DeployName, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := send(t, req); code != http.StatusOK || body != "answer of back" {
		t.Errorf("GET %s = %d %q", req.URL, code, body)
	}
	req, _ = http.NewRequest(http.MethodGet, e.bridgeURL()+"/system/functions", nil)
	if code, _ := send(t, req); code != http.StatusUnauthorized {
		t.Errorf("GET %s without credentials = %d, want 401", req.URL, code)
	}
	req.SetBasicAuth(user, password)
	if code, body := send(t, req); code != http.StatusOK || !strings.Contains(body, front.DeployName) {
		t.Errorf("GET %s = %d %q, want both functions", req.URL, code, body)
	}
}

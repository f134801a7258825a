package containerd_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openfaas/faas-provider/types"
	sdk "github.com/openfaas/go-sdk"

	"github.com/ofcbuild/ofc/internal/fnimage"
	"github.com/ofcbuild/ofc/pipeline"
)

func (e *env) sdk() *sdk.Client {
	u, _ := url.Parse(e.srv.URL)
	return sdk.NewClient(u, &sdk.BasicAuth{Username: user, Password: password}, nil)
}

// The contract: the builder's gateway client deploys, reads, lists,
// updates, scales and deletes a function that really runs, and what the
// runtime honours comes back as sent.
func TestContractRunsWhatIsDeployed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v1 := e.push(t, "contract", fnimage.Image{Answer: "v1"})
	v2 := e.push(t, "contract", fnimage.Image{Answer: "v2"})
	if _, err := e.sdk().CreateSecret(ctx, types.Secret{Name: "api-key", Value: "s3cr3t"}); err != nil {
		t.Fatal(err)
	}
	spec := pipeline.FunctionSpec{
		Name: "fn", DeployName: "owner-repo-fn",
		Deployment: pipeline.Deployment{
			EnvVars:                map[string]string{"MODE": "prod"},
			Secrets:                []string{"api-key"},
			Labels:                 map[string]string{"ofc.repo": "owner/repo"},
			Annotations:            map[string]string{"ofc.commit": "abc"},
			Limits:                 &pipeline.Resources{Memory: "64Mi", CPU: "500m"},
			Requests:               &pipeline.Resources{Memory: "32Mi", CPU: "100m"},
			ReadOnlyRootFilesystem: true,
			EnvProcess:             "./handler",
		},
	}
	c := e.client(t)
	if err := c.Deploy(ctx, spec, v1); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReady(ctx, spec.DeployName); err != nil {
		t.Fatal(err)
	}

	got, err := e.sdk().GetFunction(ctx, spec.DeployName, "")
	if err != nil {
		t.Fatal(err)
	}
	want := types.FunctionStatus{
		Name: spec.DeployName, Image: v1, Namespace: "openfaas-fn", EnvProcess: "./handler",
		EnvVars: spec.Deployment.EnvVars, Secrets: []string{"api-key"},
		Labels: &spec.Deployment.Labels, Annotations: &spec.Deployment.Annotations,
		Limits:                 &types.FunctionResources{Memory: "64Mi", CPU: "500m"},
		Requests:               &types.FunctionResources{Memory: "32Mi", CPU: "100m"},
		ReadOnlyRootFilesystem: true, Replicas: 1, AvailableReplicas: 1,
	}
	got.CreatedAt = time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("function as read back:\n got %+v\nwant %+v", got, want)
	}

	// What the deployment asked for holds inside the container.
	checks := []struct{ path, want string }{
		{"", "v1"},
		{"/cgi-bin/cat?/var/openfaas/secrets/api-key", "s3cr3t"},
		{"/cgi-bin/write?/probe", "read-only"},
		{"/cgi-bin/write?/tmp/probe", "ok"},
	}
	for _, ch := range checks {
		code, body := e.invoke(t, http.MethodGet, spec.DeployName+ch.path, nil, nil)
		if code != http.StatusOK || strings.TrimSpace(body) != ch.want {
			t.Errorf("GET /function/%s%s = %d %q, want 200 %q", spec.DeployName, ch.path, code, body, ch.want)
		}
	}
	if got := e.cgroup(t, spec.DeployName, "memory", "memory.limit_in_bytes"); got != "67108864" {
		t.Errorf("memory limit of the container = %s, want 64Mi", got)
	}
	if got := e.cgroup(t, spec.DeployName, "cpu", "cpu.cfs_quota_us"); got != "50000" {
		t.Errorf("cpu quota of the container = %s, want 50000 (500m)", got)
	}
	if _, body := e.invoke(t, http.MethodGet, spec.DeployName+"/cgi-bin/env", nil, nil); !strings.Contains(body, "MODE=prod\n") || !strings.Contains(body, "fprocess=./handler\n") {
		t.Errorf("environment of the function lacks MODE=prod or fprocess:\n%s", body)
	}

	// An update replaces the container without failing a call.
	failures := hammer(t, e, spec.DeployName, func() {
		if err := c.Deploy(ctx, spec, v2); err != nil {
			t.Error(err)
		}
	})
	if failures != "" {
		t.Errorf("calls failed during the update: %s", failures)
	}
	if code, body := e.invoke(t, http.MethodGet, spec.DeployName, nil, nil); code != 200 || body != "v2" {
		t.Errorf("after the update: %d %q, want 200 \"v2\"", code, body)
	}

	if err := e.sdk().ScaleFunction(ctx, spec.DeployName, "", 2); err != nil {
		t.Fatal(err)
	}
	fns, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 1 || fns[0].Name != spec.DeployName || fns[0].Replicas != 2 || fns[0].AvailableReplicas != 2 || fns[0].Image != v2 {
		t.Errorf("list after scaling to 2 = %+v", fns)
	}
	if err := e.sdk().ScaleFunction(ctx, spec.DeployName, "", 0); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.invoke(t, http.MethodGet, spec.DeployName, nil, nil); code != http.StatusServiceUnavailable {
		t.Errorf("call with 0 replicas = %d, want 503", code)
	}
	if err := e.sdk().ScaleFunction(ctx, spec.DeployName, "", 1); err != nil {
		t.Fatal(err)
	}
	if code, body := e.invoke(t, http.MethodGet, spec.DeployName, nil, nil); code != 200 || body != "v2" {
		t.Errorf("after scaling back to 1: %d %q", code, body)
	}

	if err := c.Delete(ctx, spec.DeployName); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, spec.DeployName); err == nil {
		t.Error("the function is still there after delete")
	}
	if code, _ := e.invoke(t, http.MethodGet, spec.DeployName, nil, nil); code != http.StatusNotFound {
		t.Errorf("call after delete = %d, want 404", code)
	}
}

// hammer calls name without pause while during runs, and says which calls
// failed.
func hammer(t *testing.T, e *env, name string, during func()) string {
	t.Helper()
	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
		calls    atomic.Int64
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				res, err := http.Get(e.srv.URL + "/function/" + name)
				calls.Add(1)
				if err == nil {
					res.Body.Close()
				}
				if err != nil || res.StatusCode != http.StatusOK {
					mu.Lock()
					failures = append(failures, strings.TrimSpace(func() string {
						if err != nil {
							return err.Error()
						}
						return res.Status
					}()))
					mu.Unlock()
				}
			}
		}()
	}
	during()
	time.Sleep(300 * time.Millisecond) // calls on the new version too
	stop.Store(true)
	wg.Wait()
	if calls.Load() < 10 {
		t.Errorf("only %d calls were made during the update", calls.Load())
	}
	return strings.Join(failures, "; ")
}

// Calls pass method, headers, query and body through, both ways.
func TestInvokePassesTheRequestThrough(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref := e.push(t, "echo", fnimage.Image{Answer: "hi"})
	if err := e.client(t).Deploy(ctx, pipeline.FunctionSpec{DeployName: "echo"}, ref); err != nil {
		t.Fatal(err)
	}
	code, body := e.invoke(t, http.MethodPost, "echo/cgi-bin/echo?a=1&b=two", []byte("the body"), http.Header{"X-Test": {"yes"}})
	want := "method=POST\nquery=a=1&b=two\nx-test=yes\nthe body"
	if code != http.StatusOK || strings.TrimSpace(body) != want {
		t.Errorf("POST echo = %d\n%s\nwant 200\n%s", code, body, want)
	}
	// The function answers before it has read the body (the script
	// prints its first lines, then reads): every body must still reach it.
	if lost := postMany(t, e, "echo/cgi-bin/echo", 300); lost != "" {
		t.Errorf("bodies lost on the way to the function: %s", lost)
	}
	code, body = e.invoke(t, http.MethodPut, "echo/cgi-bin/echo", nil, nil)
	if code != http.StatusOK || !strings.HasPrefix(body, "method=PUT\n") {
		t.Errorf("PUT echo = %d %q, want the method passed through", code, body)
	}
	if code, _ := e.invoke(t, http.MethodGet, "echo/no/such/page", nil, nil); code != http.StatusNotFound {
		t.Errorf("the function's own 404 came back as %d", code)
	}
	if code, _ := e.invoke(t, http.MethodGet, "nobody", nil, nil); code != http.StatusNotFound {
		t.Errorf("call of an unknown function = %d, want 404", code)
	}
}

// postMany POSTs n distinct bodies, each sent after its headers as from
// a client that streams, and says which calls did not get their body
// echoed.
func postMany(t *testing.T, e *env, path string, n int) string {
	t.Helper()
	var lost []string
	for i := range n {
		want := fmt.Sprintf("body %d", i)
		// A body the client cannot see the end of goes out after the
		// headers.
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/function/"+path, io.NopCloser(strings.NewReader(want)))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(len(want))
		res, err := http.DefaultClient.Do(req)
		var got []byte
		if err == nil {
			got, err = io.ReadAll(res.Body)
			res.Body.Close()
		}
		if err != nil || !strings.HasSuffix(string(got), "\n"+want) {
			lost = append(lost, fmt.Sprintf("%s: %q %v", want, got, err))
		}
	}
	if len(lost) > 3 {
		lost = append(lost[:3], fmt.Sprintf("and %d more", len(lost)-3))
	}
	return strings.Join(lost, "; ")
}

// A restarted gateway adopts the running containers: the function keeps
// its container and answers throughout.
func TestRestartAdoptsRunningFunctions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref := e.push(t, "adopt", fnimage.Image{Answer: "still here"})
	if err := e.client(t).Deploy(ctx, pipeline.FunctionSpec{DeployName: "adopt"}, ref); err != nil {
		t.Fatal(err)
	}
	before := e.containers(t)
	e.stop()
	e.start(t)
	if code, body := e.invoke(t, http.MethodGet, "adopt", nil, nil); code != 200 || body != "still here" {
		t.Errorf("after restart: %d %q", code, body)
	}
	if after := e.containers(t); !reflect.DeepEqual(before, after) || len(after) != 1 {
		t.Errorf("containers before the restart %v, after %v: want the same one", before, after)
	}
	if fn, err := e.client(t).Get(ctx, "adopt"); err != nil || fn.AvailableReplicas != 1 {
		t.Errorf("after restart: %+v, %v", fn, err)
	}

	// A function deleted from the records while the gateway was down is
	// removed at start.
	e.stop()
	if err := e.state.DeleteFunction("adopt"); err != nil {
		t.Fatal(err)
	}
	e.start(t)
	if left := e.containers(t); len(left) != 0 {
		t.Errorf("containers of an unrecorded function after restart: %v", left)
	}
}

// containers lists the runtime's container ids.
func (e *env) containers(t *testing.T) []string {
	t.Helper()
	ids, err := containerIDs(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

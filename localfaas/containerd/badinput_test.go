package containerd_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fnimage"
	"github.com/ofcbuild/ofc/pipeline"
)

// Each bad deployment gets a clear 4xx and leaves nothing behind: no
// record, no container.
func TestBadDeploymentsLeaveNothing(t *testing.T) {
	e := newEnv(t)
	// It runs a tenth of a second, as a handler failing at start does at
	// least. A process that exited 3 ms after starting has, on a loaded
	// machine, left nothing in its log file, whose copy the shim does
	// (not explained yet: see the README's localfaas section).
	crash := e.push(t, "crash", fnimage.Image{Cmd: []string{"sh", "-c", "echo cannot open config >&2; sleep 0.1; exit 3"}})
	silent := e.push(t, "silent", fnimage.Image{Cmd: []string{"sleep", "600"}})
	good := e.push(t, "good", fnimage.Image{Answer: "good"})
	tests := []struct {
		name, body string
		code       int
		says       []string
	}{
		{"invalid name", `{"service":"Bad_Name","image":"` + good + `"}`, 400, []string{"Bad_Name"}},
		{"no image", `{"service":"noimage"}`, 400, []string{"no image"}},
		{"image not in the registry", `{"service":"missing","image":"` + e.registry + `/ofc-test/none:nope"}`, 400, []string{"none:nope"}},
		{"image that exits at once", `{"service":"crash","image":"` + crash + `"}`, 400,
			[]string{"did not start", "exited with code 3", "cannot open config"}},
		{"image that never answers", `{"service":"silent","image":"` + silent + `"}`, 400,
			[]string{"did not start", "/_/health", "within 5s"}},
		{"nonsense limits", `{"service":"limits","image":"` + good + `","limits":{"memory":"lots"}}`, 400,
			[]string{`memory limit "lots"`}},
		{"unknown secret", `{"service":"nosecret","image":"` + good + `","secrets":["nope"]}`, 400,
			[]string{"secret: nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do(t, http.MethodPost, "/system/functions", tt.body)
			if code != tt.code {
				t.Errorf("deploy = %d %q, want %d", code, body, tt.code)
			}
			for _, s := range tt.says {
				if !strings.Contains(body, s) {
					t.Errorf("answer %q does not say %q", body, s)
				}
			}
			if code, _ := e.do(t, http.MethodGet, "/system/functions", ""); code != 200 {
				t.Fatalf("list = %d", code)
			}
			if _, body := e.do(t, http.MethodGet, "/system/functions", ""); body != "[]\n" && body != "[]" {
				t.Errorf("functions recorded after a refused deploy: %s", body)
			}
			if ids := e.containers(t); len(ids) != 0 {
				t.Errorf("containers left after a refused deploy: %v", ids)
			}
		})
	}
}

// An update to a version that cannot start is refused, and the version
// that ran keeps running and keeps its record.
func TestFailedUpdateKeepsTheRunningVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	good := e.push(t, "keep", fnimage.Image{Answer: "good"})
	crash := e.push(t, "keep", fnimage.Image{Cmd: []string{"false"}})
	c := e.client(t)
	spec := pipeline.FunctionSpec{DeployName: "keep"}
	if err := c.Deploy(ctx, spec, good); err != nil {
		t.Fatal(err)
	}
	err := c.Deploy(ctx, spec, crash)
	if err == nil || !strings.Contains(err.Error(), "exited with code 1") {
		t.Fatalf("update to a crashing image = %v, want an error saying it exited", err)
	}
	if pipeline.IsTransient(err) {
		t.Errorf("a crashing image is the user's failure, not a transient one: %v", err)
	}
	if code, body := e.invoke(t, http.MethodGet, "keep", nil, nil); code != 200 || body != "good" {
		t.Errorf("after the failed update: %d %q, want the old version", code, body)
	}
	fn, err := c.Get(ctx, "keep")
	if err != nil || fn.Image != good || fn.AvailableReplicas != 1 {
		t.Errorf("record after the failed update: %+v, %v; want image %s", fn, err, good)
	}
	if ids := e.containers(t); len(ids) != 1 {
		t.Errorf("containers after the failed update: %v, want the old one only", ids)
	}
}

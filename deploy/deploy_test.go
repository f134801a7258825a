package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/openfaas/faas-provider/types"

	"github.com/ofcbuild/ofc/pipeline"
)

const image = "127.0.0.1:5000/owner/repo-fn@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func fullSpec() pipeline.FunctionSpec {
	return pipeline.FunctionSpec{
		Name:       "fn",
		DeployName: "owner-repo-fn",
		Lang:       "go",
		Image:      "127.0.0.1:5000/owner/repo-fn:abc123",
		Deployment: pipeline.Deployment{
			EnvVars:                map[string]string{"write_debug": "true", "MODE": "prod"},
			Secrets:                []string{"api-key", "db-password"},
			Labels:                 map[string]string{"com.openfaas.scale.min": "1", "ofc.repo": "owner/repo"},
			Annotations:            map[string]string{"topic": "orders", "ofc.commit": "abc123"},
			Constraints:            []string{"node.platform.os == linux"},
			Limits:                 &pipeline.Resources{Memory: "128Mi", CPU: "500m"},
			Requests:               &pipeline.Resources{Memory: "64Mi", CPU: "100m"},
			ReadOnlyRootFilesystem: true,
			EnvProcess:             "./handler",
		},
	}
}

func TestDeploySendsEveryField(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{
		"PUT /system/functions":  {{http.StatusNotFound, "function owner-repo-fn not found"}},
		"POST /system/functions": {{http.StatusAccepted, ""}},
	})
	if err := g.client(t).Deploy(context.Background(), fullSpec(), image); err != nil {
		t.Fatalf("Deploy: %v", err)
	}

	calls := g.calls()
	if got, want := methods(calls), []string{"PUT /system/functions", "POST /system/functions"}; !slices.Equal(got, want) {
		t.Fatalf("calls = %v, want %v", got, want)
	}
	for _, c := range calls {
		if !c.HasAuth || c.User != "admin" || c.Password != "s3cret" {
			t.Errorf("%s %s: basic auth = %q/%q (%v), want admin/s3cret", c.Method, c.Path, c.User, c.Password, c.HasAuth)
		}
	}
	var got types.FunctionDeployment
	if err := json.Unmarshal(calls[1].Body, &got); err != nil {
		t.Fatalf("decode create request: %v", err)
	}
	want := types.FunctionDeployment{
		Service:                "owner-repo-fn",
		Image:                  image,
		Namespace:              "openfaas-fn",
		EnvProcess:             "./handler",
		EnvVars:                map[string]string{"write_debug": "true", "MODE": "prod"},
		Constraints:            []string{"node.platform.os == linux"},
		Secrets:                []string{"api-key", "db-password"},
		Labels:                 &map[string]string{"com.openfaas.scale.min": "1", "ofc.repo": "owner/repo"},
		Annotations:            &map[string]string{"topic": "orders", "ofc.commit": "abc123"},
		Limits:                 &types.FunctionResources{Memory: "128Mi", CPU: "500m"},
		Requests:               &types.FunctionResources{Memory: "64Mi", CPU: "100m"},
		ReadOnlyRootFilesystem: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("create request:\n got  %+v\n want %+v", got, want)
	}
	if string(calls[0].Body) != string(calls[1].Body) {
		t.Errorf("update and create sent different bodies:\n%s\n%s", calls[0].Body, calls[1].Body)
	}
}

func TestDeployOmitsEmptyFields(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{"PUT /system/functions": {{http.StatusAccepted, ""}}})
	spec := pipeline.FunctionSpec{Name: "fn", DeployName: "plain"}
	if err := g.client(t).Deploy(context.Background(), spec, image); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(g.calls()[0].Body, &raw); err != nil {
		t.Fatal(err)
	}
	for k := range raw {
		if k != "service" && k != "image" && k != "namespace" {
			t.Errorf("request carries %q = %v for a spec without it", k, raw[k])
		}
	}
}

func TestDeployUpdatesExistingFunction(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{"PUT /system/functions": {{http.StatusAccepted, ""}}})
	if err := g.client(t).Deploy(context.Background(), fullSpec(), image); err != nil {
		t.Fatal(err)
	}
	if got := methods(g.calls()); !slices.Equal(got, []string{"PUT /system/functions"}) {
		t.Errorf("calls = %v, want a single update", got)
	}
}

func TestDeployLosingCreateRaceUpdates(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{
		"PUT /system/functions": {
			{http.StatusNotFound, "not found"},
			{http.StatusAccepted, ""},
		},
		"POST /system/functions": {{http.StatusBadRequest, "unable to create container: owner-repo-fn, error: already exists"}},
	})
	if err := g.client(t).Deploy(context.Background(), fullSpec(), image); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	want := []string{"PUT /system/functions", "POST /system/functions", "PUT /system/functions"}
	if got := methods(g.calls()); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestDeployErrors(t *testing.T) {
	tests := []struct {
		name      string
		script    map[string][]reply
		image     string
		wantMsg   string
		transient bool
	}{
		{
			name: "refused image",
			script: map[string][]reply{
				"PUT /system/functions":  {{http.StatusNotFound, "not found"}},
				"POST /system/functions": {{http.StatusBadRequest, "image 127.0.0.1:5000/x@sha256:00 not found in registry\n"}},
			},
			wantMsg: "deploy owner-repo-fn: gateway said 400: image 127.0.0.1:5000/x@sha256:00 not found in registry",
		},
		{
			name:    "bad credentials",
			script:  map[string][]reply{"PUT /system/functions": {{http.StatusUnauthorized, "invalid credentials"}}},
			wantMsg: "deploy owner-repo-fn: gateway said 401: invalid credentials",
		},
		{
			name:      "gateway failing",
			script:    map[string][]reply{"PUT /system/functions": {{http.StatusServiceUnavailable, ""}}},
			wantMsg:   "deploy owner-repo-fn: gateway said 503: Service Unavailable",
			transient: true,
		},
		{
			name: "provider failing on create",
			script: map[string][]reply{
				"PUT /system/functions":  {{http.StatusNotFound, "not found"}},
				"POST /system/functions": {{http.StatusBadGateway, "provider down"}},
			},
			wantMsg:   "deploy owner-repo-fn: gateway said 502: provider down",
			transient: true,
		},
		{
			name:    "image by tag",
			image:   "127.0.0.1:5000/owner/repo-fn:latest",
			wantMsg: `deploy owner-repo-fn: image "127.0.0.1:5000/owner/repo-fn:latest" is not pinned by digest`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFakeGateway(t, tt.script)
			img := image
			if tt.image != "" {
				img = tt.image
			}
			err := g.client(t).Deploy(context.Background(), fullSpec(), img)
			if err == nil {
				t.Fatal("Deploy succeeded, want an error")
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error = %q, want %q", err, tt.wantMsg)
			}
			if got := pipeline.IsTransient(err); got != tt.transient {
				t.Errorf("transient = %v, want %v", got, tt.transient)
			}
		})
	}
}

func TestDeployUnreachableGatewayIsTransient(t *testing.T) {
	g := newFakeGateway(t, nil)
	c := g.client(t)
	g.srv.Close()
	err := c.Deploy(context.Background(), fullSpec(), image)
	if err == nil || !pipeline.IsTransient(err) {
		t.Fatalf("Deploy = %v, want a transient error", err)
	}
	if !strings.HasPrefix(err.Error(), "deploy owner-repo-fn: gateway unreachable: ") {
		t.Errorf("error = %q, want it to say the gateway is unreachable", err)
	}
}

func TestDeleteAndList(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{
		"DELETE /system/functions": {{http.StatusNotFound, "function gone not found"}},
		"GET /system/functions": {{http.StatusOK, `[{"name":"a","image":"r/a@sha256:1","namespace":"openfaas-fn",
			"labels":{"ofc.branch":"main"},"annotations":{"ofc.commit":"abc"},"replicas":2,"availableReplicas":1}]`}},
	})
	c := g.client(t)
	err := c.Delete(context.Background(), "gone")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of a missing function = %v, want ErrNotFound", err)
	}
	var del types.DeleteFunctionRequest
	if err := json.Unmarshal(g.calls()[0].Body, &del); err != nil || del.FunctionName != "gone" || del.Namespace != "openfaas-fn" {
		t.Errorf("delete request = %s (%v)", g.calls()[0].Body, err)
	}

	fns, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Function{{
		Name: "a", Namespace: "openfaas-fn", Image: "r/a@sha256:1",
		Labels: map[string]string{"ofc.branch": "main"}, Annotations: map[string]string{"ofc.commit": "abc"},
		Replicas: 2, AvailableReplicas: 1,
	}}
	if !reflect.DeepEqual(fns, want) {
		t.Errorf("List = %+v, want %+v", fns, want)
	}
	if q := g.calls()[1].Query; q != "namespace=openfaas-fn" {
		t.Errorf("list query = %q, want the namespace", q)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{GatewayURL: ""},
		{GatewayURL: "127.0.0.1:8080"},
		{GatewayURL: "ftp://gw"},
		{GatewayURL: "http://gw", Username: "admin"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
}

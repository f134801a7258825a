package localfaas

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/openfaas/faas-provider/types"
	sdk "github.com/openfaas/go-sdk"

	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/pipeline"
)

// The contract: the production gateway client, and the official sdk, work
// against localfaas as they do against an OpenFaaS gateway.

func deployClient(t *testing.T, h *harness, password string) *deploy.Client {
	t.Helper()
	c, err := deploy.New(deploy.Config{
		GatewayURL: h.srv.URL, Username: testUser, Password: password, Namespace: DefaultNamespace,
		ReadyTimeout: 5 * time.Second, PollInterval: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sdkClient(h *harness) *sdk.Client {
	u, _ := url.Parse(h.srv.URL)
	return sdk.NewClient(u, &sdk.BasicAuth{Username: testUser, Password: testPassword}, nil)
}

func contractSpec() pipeline.FunctionSpec {
	return pipeline.FunctionSpec{
		Name: "fn", DeployName: "owner-repo-fn", Image: "127.0.0.1:5000/owner/repo-fn:abc",
		Deployment: pipeline.Deployment{
			EnvVars:                map[string]string{"MODE": "prod"},
			Secrets:                []string{"api-key"},
			Labels:                 map[string]string{"ofc.repo": "owner/repo", "ofc.branch": "main"},
			Annotations:            map[string]string{"ofc.commit": "abc"},
			Constraints:            []string{"node.platform.os == linux"},
			Limits:                 &pipeline.Resources{Memory: "128Mi", CPU: "500m"},
			Requests:               &pipeline.Resources{Memory: "64Mi", CPU: "100m"},
			ReadOnlyRootFilesystem: true,
			EnvProcess:             "./handler",
		},
	}
}

func TestContractDeployClient(t *testing.T) {
	h := newHarness(t, t.TempDir())
	ctx := context.Background()
	c := deployClient(t, h, testPassword)
	gw := sdkClient(h)
	if _, err := gw.CreateSecret(ctx, types.Secret{Name: "api-key", Value: "k"}); err != nil {
		t.Fatalf("create secret: %v", err)
	}
	spec := contractSpec()

	// Create: the update answers 404, the client creates.
	if err := c.Deploy(ctx, spec, testImage); err != nil {
		t.Fatalf("Deploy (create): %v", err)
	}
	if err := c.WaitReady(ctx, spec.DeployName); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	st, err := gw.GetFunction(ctx, spec.DeployName, DefaultNamespace)
	if err != nil {
		t.Fatal(err)
	}
	want := types.FunctionStatus{
		Name: "owner-repo-fn", Image: testImage, Namespace: DefaultNamespace,
		EnvProcess: "./handler", EnvVars: map[string]string{"MODE": "prod"},
		Constraints: []string{"node.platform.os == linux"}, Secrets: []string{"api-key"},
		Labels:                 &map[string]string{"ofc.repo": "owner/repo", "ofc.branch": "main"},
		Annotations:            &map[string]string{"ofc.commit": "abc"},
		Limits:                 &types.FunctionResources{Memory: "128Mi", CPU: "500m"},
		Requests:               &types.FunctionResources{Memory: "64Mi", CPU: "100m"},
		ReadOnlyRootFilesystem: true,
		Replicas:               1, AvailableReplicas: 1,
	}
	created := st.CreatedAt
	st.CreatedAt = time.Time{}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("status after create:\n got  %+v\n want %+v", st, want)
	}
	if created.IsZero() {
		t.Error("status has no creation time")
	}

	// Update: new image and fewer fields, same function.
	spec.Deployment = pipeline.Deployment{Labels: map[string]string{"ofc.branch": "main"}}
	if err := c.Deploy(ctx, spec, otherImage); err != nil {
		t.Fatalf("Deploy (update): %v", err)
	}
	fns, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 1 || fns[0].Image != otherImage || !reflect.DeepEqual(fns[0].Labels, map[string]string{"ofc.branch": "main"}) ||
		fns[0].Annotations != nil || !fns[0].CreatedAt.Equal(created) {
		t.Errorf("List after update = %+v", fns)
	}

	// Scale, then read the counts back.
	if err := gw.ScaleFunction(ctx, spec.DeployName, DefaultNamespace, 3); err != nil {
		t.Fatalf("scale: %v", err)
	}
	got, err := c.Get(ctx, spec.DeployName)
	if err != nil || got.Replicas != 3 || got.AvailableReplicas != 3 {
		t.Errorf("Get after scale = %+v, %v; want 3 of 3", got, err)
	}

	// Delete, and again.
	if err := c.Delete(ctx, spec.DeployName); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := c.Delete(ctx, spec.DeployName); !errors.Is(err, deploy.ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
	if _, err := c.Get(ctx, spec.DeployName); !errors.Is(err, deploy.ErrNotFound) {
		t.Errorf("Get after delete = %v, want ErrNotFound", err)
	}
	if fns, err := c.List(ctx); err != nil || len(fns) != 0 {
		t.Errorf("List after delete = %v, %v; want none", fns, err)
	}
}

func TestContractRefusals(t *testing.T) {
	h := newHarness(t, "")
	ctx := context.Background()
	spec := pipeline.FunctionSpec{Name: "fn", DeployName: "fn"}

	err := deployClient(t, h, "wrong").Deploy(ctx, spec, testImage)
	if err == nil || !strings.Contains(err.Error(), "gateway said 401") || pipeline.IsTransient(err) {
		t.Errorf("Deploy with a wrong password = %v, want a permanent 401", err)
	}

	c := deployClient(t, h, testPassword)
	unknown := "127.0.0.1:5000/owner/fn@sha256:" + strings.Repeat("9", 64)
	err = c.Deploy(ctx, spec, unknown)
	if want := "deploy fn: gateway said 400: image " + unknown + " not found in registry"; err == nil || err.Error() != want {
		t.Errorf("Deploy of an unknown image = %v, want %q", err, want)
	}
	spec.DeployName = "Bad_Name"
	if err := c.Deploy(ctx, spec, testImage); err == nil || !strings.Contains(err.Error(), "gateway said 400: invalid function name") {
		t.Errorf("Deploy with a bad name = %v, want a 400 naming the rule", err)
	}
	h.resolver.setDown(true)
	spec.DeployName = "fn"
	if err := c.Deploy(ctx, spec, testImage); !pipeline.IsTransient(err) {
		t.Errorf("Deploy with the registry down = %v, want a transient error", err)
	}
}

func TestContractRestartKeepsFunctions(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, dir)
	ctx := context.Background()
	if err := deployClient(t, h, testPassword).Deploy(ctx, contractSpecNoSecrets(), testImage); err != nil {
		t.Fatal(err)
	}
	h.srv.Close()

	h2 := newHarness(t, dir)
	if err := h2.server.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	fn, err := deployClient(t, h2, testPassword).Get(ctx, "owner-repo-fn")
	if err != nil || fn.Image != testImage || fn.AvailableReplicas != 1 {
		t.Errorf("after restart Get = %+v, %v", fn, err)
	}
	if want := []string{"owner-repo-fn@1"}; !reflect.DeepEqual(h2.runtime.applied, want) {
		t.Errorf("Restore applied %v, want %v", h2.runtime.applied, want)
	}
}

func contractSpecNoSecrets() pipeline.FunctionSpec {
	s := contractSpec()
	s.Deployment.Secrets = nil
	return s
}

// TestContractWithRegistry runs the client against localfaas resolving in
// the dev stack's registry.
func TestContractWithRegistry(t *testing.T) {
	reg := registryAddr(t)
	ctx := context.Background()
	digest := pushRandom(t, reg+"/ofc-test/localfaas-contract:"+time.Now().UTC().Format("20060102150405"))
	image := reg + "/ofc-test/localfaas-contract@" + digest
	t.Cleanup(func() {
		// Best effort: registries may have deletes turned off.
		if ref, err := name.NewDigest(image, name.Insecure); err == nil {
			if err := remote.Delete(ref); err != nil {
				t.Logf("delete test image %s: %v", image, err)
			}
		}
	})

	resolver, err := NewRegistryResolver(RegistryConfig{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessResolving(t, "", resolver)
	c := deployClient(t, h, testPassword)

	spec := pipeline.FunctionSpec{Name: "fn", DeployName: "contract-fn"}
	if err := c.Deploy(ctx, spec, image); err != nil {
		t.Fatalf("Deploy %s: %v", image, err)
	}
	if err := c.WaitReady(ctx, spec.DeployName); err != nil {
		t.Fatal(err)
	}
	fn, err := c.Get(ctx, spec.DeployName)
	if err != nil || fn.Image != image {
		t.Errorf("Get = %+v, %v; want image %s", fn, err, image)
	}
	if rec, _ := h.state.Function(spec.DeployName); rec.Ref != image {
		t.Errorf("recorded ref = %q, want %q", rec.Ref, image)
	}

	unknown := reg + "/ofc-test/localfaas-contract@sha256:" + strings.Repeat("0", 64)
	err = c.Deploy(ctx, spec, unknown)
	if err == nil || !strings.Contains(err.Error(), "gateway said 400: image "+unknown+" not found in registry") {
		t.Errorf("Deploy of an unknown digest = %v, want it refused", err)
	}
	if err := c.Delete(ctx, spec.DeployName); err != nil {
		t.Error(err)
	}
}

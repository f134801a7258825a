package deploy

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/openfaas/faas-provider/types"
)

// A function addressed "<name>.<namespace>" goes to that namespace, as
// faas-cli sends a stack file's namespace; others to the client's.
func TestDeployToTheFunctionsOwnNamespace(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{
		"PUT /system/functions":              {{http.StatusAccepted, ""}},
		"GET /system/function/owner-repo-fn": {{http.StatusOK, `{"name":"owner-repo-fn","namespace":"staging","availableReplicas":1}`}},
		"DELETE /system/functions":           {{http.StatusAccepted, ""}},
	})
	c := g.client(t)
	spec := fullSpec()
	spec.DeployName = "owner-repo-fn.staging"
	ctx := context.Background()
	if err := c.Deploy(ctx, spec, image); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReady(ctx, spec.DeployName); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, spec.DeployName); err != nil {
		t.Fatal(err)
	}
	calls := g.calls()
	var fd types.FunctionDeployment
	if err := json.Unmarshal(calls[0].Body, &fd); err != nil {
		t.Fatal(err)
	}
	if fd.Service != "owner-repo-fn" || fd.Namespace != "staging" {
		t.Errorf("deployed service %q in namespace %q, want owner-repo-fn in staging", fd.Service, fd.Namespace)
	}
	if calls[1].Query != "namespace=staging" {
		t.Errorf("status asked with %q, want namespace=staging", calls[1].Query)
	}
	var del types.DeleteFunctionRequest
	if err := json.Unmarshal(calls[2].Body, &del); err != nil || del.FunctionName != "owner-repo-fn" || del.Namespace != "staging" {
		t.Errorf("delete asked %+v (%v), want owner-repo-fn in staging", del, err)
	}
}

// A gateway without the namespace says so in its own words, or not at
// all (404 to the update, 400 to the create); the error names the
// namespace and those the gateway has.
func TestDeployToANamespaceTheGatewayLacks(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{
		"PUT /system/functions":  {{http.StatusNotFound, "not found"}},
		"POST /system/functions": {{http.StatusBadRequest, "namespace not allowed"}},
		"GET /system/namespaces": {{http.StatusOK, `["openfaas-fn","dev"]`}},
	})
	spec := fullSpec()
	spec.DeployName = "owner-repo-fn.staging"
	err := g.client(t).Deploy(context.Background(), spec, image)
	if err == nil || !strings.Contains(err.Error(), `namespace not allowed (the gateway has no namespace "staging"; it has openfaas-fn, dev)`) {
		t.Errorf("Deploy = %v, want the namespaces named", err)
	}

	// A refusal for another reason is not blamed on the namespace.
	g = newFakeGateway(t, map[string][]reply{
		"PUT /system/functions":  {{http.StatusBadRequest, "invalid memory limit"}},
		"GET /system/namespaces": {{http.StatusOK, `["openfaas-fn","staging"]`}},
	})
	err = g.client(t).Deploy(context.Background(), spec, image)
	if err == nil || strings.Contains(err.Error(), "no namespace") || !strings.Contains(err.Error(), "invalid memory limit") {
		t.Errorf("Deploy = %v, want the gateway's own reason alone", err)
	}
}

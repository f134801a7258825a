package test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/containerd/containerd/v2/client"
)

// gatewayNamespace is the containerd namespace the dev stack's gateway
// runs functions in.
const gatewayNamespace = "ofc"

// invoke calls a deployed function through the gateway, as its users do,
// and returns the status and the answer.
func invoke(t testing.TB, svc services, name, method, body string) (int, string) {
	t.Helper()
	a := call(t, svc, name, method, "", "", body)
	return a.status, a.body
}

// answer is a function's answer to a call.
type answer struct {
	status int
	header http.Header
	body   string
}

// call asks a deployed function through the gateway at path (with its
// query), with a body of contentType ("" for none).
func call(t testing.TB, svc services, name, method, path, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, svc.GatewayURL+"/function/"+name+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// removeFunctionsAtEnd deletes, when t ends, every function of owner from
// the gateway, and checks that none of their containers is left running.
func removeFunctionsAtEnd(t testing.TB, svc services, owner string) {
	t.Cleanup(func() {
		ctx := context.Background()
		gw := gatewayClient(t, svc)
		fns, err := gw.List(ctx)
		if err != nil {
			t.Errorf("list functions: %v", err)
			return
		}
		for _, fn := range fns {
			if strings.HasPrefix(fn.Name, owner+"-") {
				if err := gw.Delete(ctx, fn.Name); err != nil {
					t.Errorf("delete %s: %v", fn.Name, err)
				}
			}
		}
		for _, id := range containersOf(t, svc, owner+"-") {
			t.Errorf("container %s is left after its function was deleted", id)
		}
	})
}

// containersOf lists the gateway's containers of functions whose names
// start with prefix.
func containersOf(t testing.TB, svc services, prefix string) []string {
	t.Helper()
	c, err := client.New(svc.ContainerdAddr, client.WithDefaultNamespace(gatewayNamespace))
	if err != nil {
		t.Fatalf("containerd: %v", err)
	}
	defer c.Close()
	ctrs, err := c.Containers(context.Background())
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	var ids []string
	for _, ctr := range ctrs {
		if strings.HasPrefix(ctr.ID(), prefix) {
			ids = append(ids, ctr.ID())
		}
	}
	return ids
}

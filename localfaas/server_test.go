package localfaas

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/openfaas/faas-provider/types"
)

func deployBody(name, image string) string {
	b, _ := json.Marshal(types.FunctionDeployment{Service: name, Image: image})
	return string(b)
}

func TestSystemNeedsBasicAuth(t *testing.T) {
	h := newHarness(t, "")
	routes := []struct{ method, path, body string }{
		{"GET", "/system/functions", ""},
		{"POST", "/system/functions", deployBody("fn", testImage)},
		{"PUT", "/system/functions", deployBody("fn", testImage)},
		{"DELETE", "/system/functions", `{"functionName":"fn"}`},
		{"GET", "/system/function/fn", ""},
		{"POST", "/system/scale-function/fn", `{"replicas":2}`},
		{"GET", "/system/info", ""},
		{"GET", "/system/secrets", ""},
		{"POST", "/system/secrets", `{"name":"s","value":"v"}`},
		{"GET", "/system/logs", ""},
		{"GET", "/system/namespaces", ""},
	}
	for _, r := range routes {
		if code, body := h.do(t, r.method, r.path, r.body, false); code != http.StatusUnauthorized {
			t.Errorf("%s %s without auth = %d %q, want 401", r.method, r.path, code, body)
		}
	}
	if fns := h.state.Functions(); len(fns) != 0 {
		t.Errorf("unauthenticated requests recorded functions: %v", fns)
	}

	req, _ := http.NewRequest("GET", h.srv.URL+"/system/functions", nil)
	req.SetBasicAuth(testUser, "wrong")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password = %d, want 401", res.StatusCode)
	}

	if code, _ := h.do(t, "GET", "/healthz", "", false); code != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200 without auth", code)
	}
}

func TestDeployRefusals(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		body     string
		wantCode int
		wantMsg  string
	}{
		{"unknown image", "POST", deployBody("fn", "127.0.0.1:5000/x@sha256:00"), 400,
			"image 127.0.0.1:5000/x@sha256:00 not found in registry"},
		{"upper case name", "POST", deployBody("Fn", testImage), 400, `invalid function name "Fn"`},
		{"underscore", "POST", deployBody("my_fn", testImage), 400, `invalid function name "my_fn"`},
		{"too long", "POST", deployBody(strings.Repeat("a", 64), testImage), 400, "invalid function name"},
		{"no name", "POST", deployBody("", testImage), 400, "invalid function name"},
		{"no image", "POST", deployBody("fn", ""), 400, "function fn has no image"},
		{"bad json", "POST", `{"service":`, 400, "invalid request body"},
		{"other namespace", "POST", `{"service":"fn","image":"` + testImage + `","namespace":"dev"}`, 400,
			`namespace "dev" is not served here`},
		{"missing secret", "POST", `{"service":"fn","image":"` + testImage + `","secrets":["db"]}`, 400,
			"unable to find secret: db"},
		{"update of missing function", "PUT", deployBody("fn", testImage), 404, "function fn not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "")
			code, body := h.do(t, tt.method, "/system/functions", tt.body, true)
			if code != tt.wantCode || !strings.Contains(body, tt.wantMsg) {
				t.Errorf("%s = %d %q, want %d containing %q", tt.method, code, body, tt.wantCode, tt.wantMsg)
			}
			if fns := h.state.Functions(); len(fns) != 0 {
				t.Errorf("refused deploy was recorded: %v", fns)
			}
		})
	}
}

func TestDeployCreateTwiceConflicts(t *testing.T) {
	h := newHarness(t, "")
	if code, body := h.do(t, "POST", "/system/functions", deployBody("fn", testImage), true); code != http.StatusAccepted {
		t.Fatalf("create = %d %q", code, body)
	}
	if code, body := h.do(t, "POST", "/system/functions", deployBody("fn", otherImage), true); code != http.StatusConflict {
		t.Errorf("second create = %d %q, want 409", code, body)
	}
	if fn, _ := h.state.Function("fn"); fn.Deployment.Image != testImage {
		t.Errorf("conflicting create changed the image to %s", fn.Deployment.Image)
	}
}

func TestRegistryDownIsServiceUnavailable(t *testing.T) {
	h := newHarness(t, "")
	h.resolver.setDown(true)
	code, body := h.do(t, "POST", "/system/functions", deployBody("fn", testImage), true)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "connection refused") {
		t.Errorf("deploy with the registry down = %d %q, want 503 saying why", code, body)
	}
}

func TestRuntimeIsToldAndInvocationWaitsForIt(t *testing.T) {
	h := newHarness(t, "")
	steps := []struct{ method, path, body string }{
		{"POST", "/system/functions", deployBody("fn", testImage)},
		{"PUT", "/system/functions", deployBody("fn", otherImage)},
		{"POST", "/system/scale-function/fn", `{"serviceName":"fn","replicas":3}`},
		{"DELETE", "/system/functions", `{"functionName":"fn"}`},
	}
	for i, s := range steps[:3] {
		if code, body := h.do(t, s.method, s.path, s.body, true); code != http.StatusAccepted {
			t.Fatalf("step %d %s %s = %d %q", i, s.method, s.path, code, body)
		}
	}
	code, body := h.do(t, "POST", "/function/fn/some/path?x=1", "hi", false)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "recorded, not run") {
		t.Errorf("invoke = %d %q, want 503 not running", code, body)
	}
	if code, _ := h.do(t, "GET", "/function/nope", "", false); code != http.StatusNotFound {
		t.Errorf("invoke of a missing function = %d, want 404", code)
	}
	s := steps[3]
	if code, body := h.do(t, s.method, s.path, s.body, true); code != http.StatusAccepted {
		t.Fatalf("delete = %d %q", code, body)
	}
	if want := []string{"fn@1", "fn@1", "fn@3"}; !slices.Equal(h.runtime.applied, want) {
		t.Errorf("runtime applied %v, want %v", h.runtime.applied, want)
	}
	if want := []string{"fn"}; !slices.Equal(h.runtime.removed, want) {
		t.Errorf("runtime removed %v, want %v", h.runtime.removed, want)
	}
	if code, _ := h.do(t, s.method, s.path, s.body, true); code != http.StatusNotFound {
		t.Errorf("second delete = %d, want 404", code)
	}
}

func TestSecretsKeepValuesToThemselves(t *testing.T) {
	h := newHarness(t, "")
	steps := []struct {
		method, body string
		want         int
	}{
		{"POST", `{"name":"db-password","value":"hunter2"}`, http.StatusCreated},
		{"POST", `{"name":"db-password","value":"again"}`, http.StatusConflict},
		{"PUT", `{"name":"db-password","value":"hunter3"}`, http.StatusAccepted},
		{"PUT", `{"name":"api-key","value":"k"}`, http.StatusNotFound},
		{"POST", `{"name":"../etc/passwd","value":"x"}`, http.StatusBadRequest},
		{"POST", `{"name":"api-key","rawValue":"AAEC"}`, http.StatusCreated},
		{"DELETE", `{"name":"api-key"}`, http.StatusAccepted},
		{"DELETE", `{"name":"api-key"}`, http.StatusNotFound},
		{"PATCH", `{"name":"x"}`, http.StatusMethodNotAllowed},
	}
	for _, s := range steps {
		if code, body := h.do(t, s.method, "/system/secrets", s.body, true); code != s.want {
			t.Errorf("%s %s = %d %q, want %d", s.method, s.body, code, body, s.want)
		}
	}
	code, body := h.do(t, "GET", "/system/secrets", "", true)
	if code != http.StatusOK || strings.Contains(body, "hunter") {
		t.Fatalf("list = %d %q, want 200 without values", code, body)
	}
	var list []types.Secret
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 1 || list[0].Name != "db-password" {
		t.Errorf("list = %q (%v), want db-password only", body, err)
	}
	if v, _ := h.state.Secret("db-password"); string(v) != "hunter3" {
		t.Errorf("stored value = %q, want the updated one", v)
	}

	// A function may now name the secret.
	fd := `{"service":"fn","image":"` + testImage + `","secrets":["db-password"]}`
	if code, body := h.do(t, "POST", "/system/functions", fd, true); code != http.StatusAccepted {
		t.Errorf("deploy with an existing secret = %d %q", code, body)
	}
}

func TestInfoNamespacesLogs(t *testing.T) {
	h := newHarness(t, "")
	code, body := h.do(t, "GET", "/system/info", "", true)
	var info struct {
		Provider struct {
			Provider      string            `json:"provider"`
			Orchestration string            `json:"orchestration"`
			Version       types.VersionInfo `json:"version"`
		} `json:"provider"`
		Version types.VersionInfo `json:"version"`
	}
	if err := json.Unmarshal([]byte(body), &info); err != nil || code != http.StatusOK {
		t.Fatalf("info = %d %q (%v)", code, body, err)
	}
	if info.Provider.Provider != "localfaas" || info.Provider.Version.Release != "1.2.3" || info.Version.SHA != "abc" {
		t.Errorf("info = %+v", info)
	}
	if code, body := h.do(t, "GET", "/system/namespaces", "", true); code != http.StatusOK || strings.TrimSpace(body) != `["openfaas-fn"]` {
		t.Errorf("namespaces = %d %q", code, body)
	}
	if code, _ := h.do(t, "GET", "/system/functions?namespace=other", "", true); code != http.StatusBadRequest {
		t.Errorf("list in another namespace = %d, want 400", code)
	}
	if code, _ := h.do(t, "GET", "/system/logs?name=fn", "", true); code != http.StatusNotImplemented {
		t.Errorf("logs = %d, want 501", code)
	}
}

func TestNewNeedsCredentials(t *testing.T) {
	for _, cfg := range []Config{
		{Password: "p", Resolver: newKnownImages()},
		{Username: "u", Resolver: newKnownImages()},
		{Username: "u", Password: "p"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
}

// FuzzDeployBody sends what a client might: the server answers every body
// with a client error or success, never a crash or a 500.
func FuzzDeployBody(f *testing.F) {
	f.Add(deployBody("fn", testImage))
	f.Add(`{"service":"fn","image":"` + testImage + `","labels":{"a":"b"},"limits":{"memory":"1Mi"}}`)
	f.Add(`{"service":"a-b","image":"x","secrets":[""],"namespace":"openfaas-fn"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		st, _ := OpenState("")
		s, err := New(Config{Username: testUser, Password: testPassword, Resolver: newKnownImages(testImage), State: st})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", "/system/functions", strings.NewReader(body))
		req.SetBasicAuth(testUser, testPassword)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("body %q: status %d", body, rec.Code)
		}
		if rec.Code == http.StatusAccepted {
			fns := st.Functions()
			if len(fns) != 1 || checkFunctionName(fns[0].Name()) != nil {
				t.Fatalf("body %q: recorded %+v", body, fns)
			}
		}
	})
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
)

// oneBuild is a store holding build 1 of a private repository.
type oneBuild struct{}

var private = pipeline.Build{ID: 1, Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: "acme", Name: "secret", Private: true},
	State: pipeline.Success, Functions: []pipeline.FunctionBuild{{Name: "api", DeployName: "acme-secret-api", State: pipeline.Success}}}

func (oneBuild) ListBuilds(context.Context, string, string, int) ([]pipeline.Build, error) {
	return []pipeline.Build{private}, nil
}

func (oneBuild) GetBuild(_ context.Context, id int64) (pipeline.Build, error) {
	if id != 1 {
		return pipeline.Build{}, pipeline.ErrNotFound
	}
	return private, nil
}

func (oneBuild) ListRepos(context.Context) ([]pipeline.RepoSummary, error) {
	return []pipeline.RepoSummary{{Repo: private.Repo, LastBuild: pipeline.LastBuild{ID: 1}}}, nil
}

func (oneBuild) LastLogSeq(context.Context, int64) (int64, error) { return 0, nil }

func (oneBuild) ReadLog(context.Context, int64, *string, int64, int) ([]pipeline.LogLine, error) {
	return nil, nil
}

func TestReadSideConfig(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("k", 40)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := readConfig(envconfig.Map(map[string]string{"OFC_GITHUB_WEBHOOK_SECRET": "s"}))
	if err != nil || c.LinkKey != nil || c.APITokens != nil || c.FunctionsURL != "http://127.0.0.1:58080" {
		t.Errorf("defaults: key %q, tokens %q, functions at %q, %v", c.LinkKey, c.APITokens, c.FunctionsURL, err)
	}
	c, err = readConfig(envconfig.Map(map[string]string{"OFC_GITHUB_WEBHOOK_SECRET": "s", "OFC_LINK_KEY_FILE": keyFile,
		"OFC_API_TOKENS": " one, ,ci:write:two ", "OFC_FUNCTIONS_URL": "https://fn.example"}))
	if err != nil || string(c.LinkKey) != strings.Repeat("k", 40) || fmt.Sprint(c.APITokens) != "[{token-1 read one} {ci write two}]" || c.FunctionsURL != "https://fn.example" {
		t.Errorf("set: key %q, tokens %q, functions at %q, %v", c.LinkKey, c.APITokens, c.FunctionsURL, err)
	}
	_, err = readConfig(envconfig.Map(map[string]string{"OFC_GITHUB_WEBHOOK_SECRET": "s", "OFC_LINK_KEY_FILE": filepath.Join(dir, "none")}))
	if err == nil || !strings.Contains(err.Error(), "link key") {
		t.Errorf("a missing key file: %v, want an error", err)
	}
}

func TestMountReadSide(t *testing.T) {
	key := []byte(strings.Repeat("k", 40))
	cfg := config{LinkKey: key, APITokens: []access.Token{{Name: "t", Scope: access.Read, Secret: "tok"}}, FunctionsURL: "http://gw"}
	mux := http.NewServeMux()
	if _, err := mountReadSide(mux, cfg, oneBuild{}, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	link := "?" + access.NewSigner(key).Sign(1, time.Now().Add(time.Hour)).Encode()
	cases := []struct {
		path, token string
		code        int
		want        string
	}{
		{"/", "", 200, "No builds yet"},
		{"/", "tok", 200, "acme/secret"},
		{"/repos/github/acme/secret", "", 404, "Not found"},
		{"/repos/github/acme/secret", "tok", 200, "#1"},
		{"/builds/1", "", 404, "Not found"},
		{"/builds/1" + link, "", 200, "http://gw/function/acme-secret-api"},
		{"/api/repos", "", 200, `"repos": []`},
		{"/api/repos", "tok", 200, `"name": "secret"`},
		{"/api/builds?owner=acme&repo=secret", "", 200, `"builds": []`},
		{"/api/builds?owner=acme&repo=secret", "tok", 200, `"id": 1`},
		{"/api/builds/1", "", 404, "no such build"},
		{"/api/builds/1" + link, "", 200, `"url": "http://gw/function/acme-secret-api"`},
		{"/nothing", "", 404, ""},
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("GET %s (token %q) = %d, want %d with %q:\n%s", c.path, c.token, rec.Code, c.code, c.want, rec.Body)
		}
	}
}

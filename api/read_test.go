package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// fakeAccess lets anyone read public repositories, the bearer of token
// "k" every repository, and ?link=<id> build id.
type fakeAccess struct{}

func (fakeAccess) CanReadRepo(r *http.Request, repo pipeline.Repo) bool {
	return !repo.Private || r.Header.Get("Authorization") == "Bearer k"
}

func (a fakeAccess) CanReadBuild(r *http.Request, b pipeline.Build) bool {
	return a.CanReadRepo(r, b.Repo) || r.URL.Query().Get("link") == strconv.FormatInt(b.ID, 10)
}

func (r reader) ListRepos(context.Context) ([]pipeline.RepoSummary, error) {
	if r.err != nil {
		return nil, r.err
	}
	var out []pipeline.RepoSummary
	seen := map[pipeline.Repo]bool{}
	for _, b := range r.builds {
		if !seen[b.Repo] {
			seen[b.Repo] = true
			out = append(out, pipeline.RepoSummary{Repo: b.Repo, LastBuild: pipeline.LastBuild{ID: b.ID, State: b.State}})
		}
	}
	return out, nil
}

func getAs(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestPrivateRepositoriesNeedAccess(t *testing.T) {
	open := pipeline.Repo{Provider: pipeline.GitHub, Owner: "alice", Name: "fns"}
	secret := pipeline.Repo{Provider: pipeline.GitHub, Owner: "alice", Name: "secret", Private: true}
	gitlab := pipeline.Repo{Provider: pipeline.GitLab, Owner: "alice", Name: "fns", Private: true}
	srv := serve(t, reader{builds: []pipeline.Build{
		{ID: 9, Repo: secret, State: pipeline.Success},
		{ID: 8, Repo: gitlab, State: pipeline.Success},
		{ID: 7, Repo: open, State: pipeline.Success},
	}})
	cases := []struct {
		path, token string
		code        int
		want, not   string
	}{
		{"/api/builds/9", "", 404, "no such build", "secret"},
		{"/api/builds/9", "k", 200, `"name": "secret"`, ""},
		{"/api/builds/9", "wrong", 404, "no such build", "secret"},
		{"/api/builds/9?link=9", "", 200, `"name": "secret"`, ""},
		{"/api/builds/8?link=9", "", 404, "no such build", "gitlab"},
		{"/api/builds/7", "", 200, `"name": "fns"`, ""},
		// A private repository reads as one never built.
		{"/api/builds?owner=alice&repo=secret", "", 200, `"builds": []`, "secret"},
		{"/api/builds?owner=alice&repo=secret&link=9", "", 200, `"builds": []`, "secret"},
		{"/api/builds?owner=alice&repo=secret", "k", 200, `"id": 9`, ""},
		{"/api/builds?owner=alice&repo=fns", "", 200, `"id": 7`, `"id": 8`},
		{"/api/builds?owner=alice&repo=fns&provider=gitlab", "k", 200, `"id": 8`, `"id": 7`},
		{"/api/repos", "", 200, `"name": "fns"`, "secret"},
		{"/api/repos", "k", 200, `"name": "secret"`, ""},
	}
	for _, c := range cases {
		code, body := getAs(t, srv.URL+c.path, c.token)
		if code != c.code || !strings.Contains(body, c.want) || (c.not != "" && strings.Contains(body, c.not)) {
			t.Errorf("GET %s (token %q) = %d %s, want %d with %q and without %q", c.path, c.token, code, body, c.code, c.want, c.not)
		}
	}
}

func TestBuildJSONSaysWhereFunctionsAnswer(t *testing.T) {
	repo := pipeline.Repo{Owner: "alice", Name: "fns"}
	deployed := pipeline.FunctionBuild{Name: "api", DeployName: "alice-fns-api-1", State: pipeline.Success}
	failed := pipeline.FunctionBuild{Name: "web", DeployName: "alice-fns-web-1", State: pipeline.Failure}
	srv := serve(t, reader{builds: []pipeline.Build{
		{ID: 1, Repo: repo, Kind: pipeline.PullRequest, PullRequest: 4, Functions: []pipeline.FunctionBuild{deployed, failed}},
		{ID: 2, Repo: repo, Kind: pipeline.Tag, Tag: "v1", Functions: []pipeline.FunctionBuild{deployed}},
	}})
	var got struct {
		Kind        pipeline.EventKind `json:"kind"`
		PullRequest int                `json:"pull_request"`
		Functions   []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"functions"`
	}
	_, body := get(t, srv.URL+"/api/builds/1")
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != pipeline.PullRequest || got.PullRequest != 4 || len(got.Functions) != 2 ||
		got.Functions[0].URL != "http://gw:8080/function/alice-fns-api-1" || got.Functions[1].URL != "" {
		t.Errorf("build 1 = %s", body)
	}
	if _, body := get(t, srv.URL+"/api/builds/2"); strings.Contains(body, `"url"`) || !strings.Contains(body, `"tag": "v1"`) {
		t.Errorf("a tag's build, which deploys nothing, gave a function URL: %s", body)
	}
}

package gitlabtest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

const sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"

// reply is the double's answer to one call.
type reply struct {
	code   int
	header http.Header
	body   any
}

// field returns key of a JSON object answer, nil otherwise.
func (r reply) field(key string) any {
	m, _ := r.body.(map[string]any)
	return m[key]
}

// call sends a request to the double, authenticated by the header line
// auth ("Private-Token: x"), and decodes its JSON answer.
func call(t *testing.T, method, url, auth, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if name, value, ok := strings.Cut(auth, ": "); ok {
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q, want JSON", method, url, ct)
	}
	var v any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v", method, url, err)
	}
	return reply{code: resp.StatusCode, header: resp.Header, body: v}
}

func statusURL(api *gitlabtest.Server, project string) string {
	return api.URL() + "/projects/" + project + "/statuses/" + sha
}

func TestEveryRouteNeedsAToken(t *testing.T) {
	api := gitlabtest.New(t)
	api.AllowTokens("good")
	routes := []struct{ method, path, body string }{
		{"POST", "/projects/octo%2Fhello/statuses/" + sha, `{"state":"pending"}`},
		{"GET", "/projects/octo%2Fhello/repository/commits/" + sha + "/statuses", ""},
		{"GET", "/projects/octo%2Fhello/merge_requests/1/notes", ""},
		{"POST", "/projects/octo%2Fhello/merge_requests/1/notes", `{"body":"hi"}`},
		{"PUT", "/projects/octo%2Fhello/merge_requests/1/notes/1", `{"body":"hi"}`},
	}
	for _, rt := range routes {
		for _, auth := range []string{"", "Private-Token: bad", "Authorization: Bearer bad", "Authorization: Basic Z29vZA==", "Private-Token: "} {
			got := call(t, rt.method, api.URL()+rt.path, auth, rt.body)
			if got.code != http.StatusUnauthorized || got.field("message") != "401 Unauthorized" {
				t.Errorf("%s %s with %q: %d %v, want 401 Unauthorized", rt.method, rt.path, auth, got.code, got.body)
			}
		}
	}
	for _, auth := range []string{"Private-Token: good", "Authorization: Bearer good", "authorization: bearer good"} {
		if got := call(t, "POST", statusURL(api, "octo%2Fhello"), auth, `{"state":"success"}`); got.code != http.StatusCreated {
			t.Errorf("auth %q: %d %v, want 201", auth, got.code, got.body)
		}
	}
	if got := call(t, "POST", statusURL(api, "octo%2Fhello")+"?private_token=good", "", `{"state":"success"}`); got.code != http.StatusCreated {
		t.Errorf("private_token parameter: %d %v, want 201", got.code, got.body)
	}
	if n := len(api.Statuses(sha)); n != 4 {
		t.Errorf("recorded %d statuses, want the 4 authorised", n)
	}
}

func TestUnknownRoutesAndProjects(t *testing.T) {
	api := gitlabtest.New(t)
	for _, tt := range []struct {
		name, method, url, key, want string
	}{
		{"no such route", "GET", api.URL() + "/projects/octo%2Fhello/pipelines", "error", "404 Not Found"},
		{"outside the API", "POST", strings.TrimSuffix(api.URL(), "/api/v4") + "/octo/hello/statuses/" + sha, "error", "404 Not Found"},
		{"unescaped project path", "POST", statusURL(api, "octo/hello"), "error", "404 Not Found"},
		{"unknown project number", "POST", statusURL(api, "42"), "message", "404 Project Not Found"},
		{"a name without namespace", "POST", statusURL(api, "hello"), "message", "404 Project Not Found"},
		{"not a commit", "POST", api.URL() + "/projects/octo%2Fhello/statuses/main", "message", "404 Commit Not Found"},
		{"not a merge request", "GET", api.URL() + "/projects/octo%2Fhello/merge_requests/0/notes", "message", "404 Merge Request Not Found"},
		{"no such note", "PUT", api.URL() + "/projects/octo%2Fhello/merge_requests/1/notes/99", "message", "404 Note Not Found"},
	} {
		got := call(t, tt.method, tt.url, "Private-Token: x", `{"state":"pending","body":"x"}`)
		if got.code != http.StatusNotFound || got.field(tt.key) != tt.want {
			t.Errorf("%s: %d %v, want 404 {%q: %q}", tt.name, got.code, got.body, tt.key, tt.want)
		}
	}
	if n := len(api.All()); n != 0 {
		t.Errorf("recorded %d statuses", n)
	}
}

// A project is the same whether named by its path, in any case, or by its
// number, and paths keep their subgroups and dots.
func TestProjectsByPathOrNumber(t *testing.T) {
	api := gitlabtest.New(t)
	id := api.ProjectID("Group/Sub/my.repo")
	for _, project := range []string{"Group%2FSub%2Fmy.repo", "group%2Fsub%2FMY%2Erepo", strconv.FormatInt(id, 10)} {
		if got := call(t, "POST", statusURL(api, project), "Private-Token: x", `{"state":"success"}`); got.code != http.StatusCreated {
			t.Errorf("project %s: %d %v", project, got.code, got.body)
		}
	}
	for i, st := range api.Statuses(sha) {
		if st.Project != "Group/Sub/my.repo" {
			t.Errorf("status %d recorded on %q, want Group/Sub/my.repo", i, st.Project)
		}
	}
	if again := api.ProjectID("group/sub/my.repo"); again != id {
		t.Errorf("ProjectID gave %d then %d for the same project", id, again)
	}
}

func TestFailWith(t *testing.T) {
	api := gitlabtest.New(t)
	api.FailWith(http.StatusBadGateway)
	if got := call(t, "POST", statusURL(api, "octo%2Fhello"), "Private-Token: x", `{"state":"pending"}`); got.code != http.StatusBadGateway {
		t.Errorf("FailWith(502): %d %v", got.code, got.body)
	}
	api.FailWith(http.StatusTooManyRequests)
	resp, err := http.Get(api.URL() + "/projects/octo%2Fhello/merge_requests/1/notes?private_token=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("FailWith(429): %s with Retry-After %q", resp.Status, resp.Header.Get("Retry-After"))
	}
	api.FailWith(0)
	if got := call(t, "POST", statusURL(api, "octo%2Fhello"), "Private-Token: x", `{"state":"pending"}`); got.code != http.StatusCreated {
		t.Errorf("FailWith(0): %d %v", got.code, got.body)
	}
	if n := len(api.All()); n != 1 {
		t.Errorf("recorded %d statuses, want the one after recovery", n)
	}
}

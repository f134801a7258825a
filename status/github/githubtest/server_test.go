package githubtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/status/github/githubtest"
)

const sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"

// call sends a request to the double and decodes its JSON answer.
func call(t *testing.T, method, url, auth, body string) (int, any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
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
	return resp.StatusCode, v
}

func statusURL(api *githubtest.Server, prefix string) string {
	return api.URL() + prefix + "repos/octo/hello/statuses/" + sha
}

func TestCreateNeedsAuthentication(t *testing.T) {
	api := githubtest.New(t)
	api.AllowTokens("good")
	body := `{"state":"pending","context":"ofc/api"}`
	for _, tt := range []struct {
		auth, message string
	}{
		{"", "Requires authentication"},
		{"Basic dXNlcjpwYXNz", "Requires authentication"},
		{"token ", "Requires authentication"},
		{"token bad", "Bad credentials"},
		{"Bearer bad", "Bad credentials"},
	} {
		code, v := call(t, "POST", statusURL(api, ""), tt.auth, body)
		m := v.(map[string]any)
		if code != http.StatusUnauthorized || m["message"] != tt.message || m["documentation_url"] == nil {
			t.Errorf("auth %q: %d %v, want 401 %q with documentation_url", tt.auth, code, m, tt.message)
		}
	}
	for _, auth := range []string{"token good", "Bearer good", "bearer good"} {
		if code, v := call(t, "POST", statusURL(api, ""), auth, body); code != http.StatusCreated {
			t.Errorf("auth %q: %d %v, want 201", auth, code, v)
		}
	}
	if n := len(api.Statuses(sha)); n != 3 {
		t.Errorf("recorded %d statuses, want the 3 authorised", n)
	}
}

func TestCreateAnswersLikeGitHub(t *testing.T) {
	api := githubtest.New(t)
	for _, prefix := range []string{"", "api/v3/"} {
		code, v := call(t, "POST", statusURL(api, prefix), "token x",
			`{"state":"success","description":"Deployed","target_url":"https://ofc.example.com/b/1","context":"ofc/api"}`)
		m := v.(map[string]any)
		if code != http.StatusCreated {
			t.Fatalf("POST %s: %d %v", prefix, code, m)
		}
		wantURL := api.URL() + prefix + "repos/octo/hello/statuses/" + sha
		if m["url"] != wantURL || m["state"] != "success" || m["description"] != "Deployed" ||
			m["target_url"] != "https://ofc.example.com/b/1" || m["context"] != "ofc/api" {
			t.Errorf("POST %s answered %v", prefix, m)
		}
		for _, key := range []string{"id", "node_id", "created_at", "updated_at", "avatar_url"} {
			if _, ok := m[key]; !ok {
				t.Errorf("answer lacks %q: %v", key, m)
			}
		}
		if c, ok := m["creator"].(map[string]any); !ok || c["login"] == "" || c["type"] != "User" {
			t.Errorf("creator = %v", m["creator"])
		}
	}

	// Without description, target_url and context: nulls and GitHub's default context.
	_, v := call(t, "POST", statusURL(api, ""), "token x", `{"state":"pending"}`)
	m := v.(map[string]any)
	if m["description"] != nil || m["target_url"] != nil || m["context"] != "default" {
		t.Errorf("bare status answered %v, want null description and target_url, context default", m)
	}
}

func TestCreateValidates(t *testing.T) {
	api := githubtest.New(t)
	for _, tt := range []struct {
		name, url, body string
		code            int
	}{
		{"not JSON", statusURL(api, ""), `{`, http.StatusBadRequest},
		{"no state", statusURL(api, ""), `{"context":"c"}`, http.StatusUnprocessableEntity},
		{"unknown state", statusURL(api, ""), `{"state":"done"}`, http.StatusUnprocessableEntity},
		{"description too long", statusURL(api, ""), `{"state":"error","description":"` + strings.Repeat("é", 141) + `"}`, http.StatusUnprocessableEntity},
		{"not a SHA", api.URL() + "repos/octo/hello/statuses/main", `{"state":"error"}`, http.StatusUnprocessableEntity},
		{"unknown path", api.URL() + "repos/octo/hello/deployments", `{}`, http.StatusNotFound},
	} {
		code, v := call(t, "POST", tt.url, "token x", tt.body)
		if m, ok := v.(map[string]any); code != tt.code || !ok || m["message"] == "" {
			t.Errorf("%s: %d %v, want %d with a message", tt.name, code, v, tt.code)
		}
	}
	if n := len(api.All()); n != 0 {
		t.Errorf("recorded %d invalid statuses", n)
	}
}

// TestGoGitHubReadsIt checks the answers decode as go-github expects them,
// listing newest first and combining per context as GitHub does.
func TestGoGitHubReadsIt(t *testing.T) {
	api := githubtest.New(t)
	c, err := gh.NewClient(nil).WithAuthToken("x").WithEnterpriseURLs(api.URL(), api.URL())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, st := range []struct{ context, state string }{
		{"ofc/api", "pending"}, {"ofc/worker", "pending"}, {"ofc/api", "success"}, {"ofc/worker", "failure"},
	} {
		got, _, err := c.Repositories.CreateStatus(ctx, "octo", "hello", sha, &gh.RepoStatus{
			State: gh.String(st.state), Context: gh.String(st.context), Description: gh.String(st.context + " " + st.state),
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.GetID() == 0 || got.GetState() != st.state || got.GetCreatedAt().IsZero() || got.GetCreator().GetLogin() == "" {
			t.Errorf("CreateStatus() = %v", got)
		}
	}

	list, _, err := c.Repositories.ListStatuses(ctx, "Octo", "Hello", sha, nil)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, st := range list {
		order = append(order, st.GetContext()+"="+st.GetState())
	}
	if want := "ofc/worker=failure ofc/api=success ofc/worker=pending ofc/api=pending"; strings.Join(order, " ") != want {
		t.Errorf("listed %q, want newest first %q", strings.Join(order, " "), want)
	}

	page, _, err := c.Repositories.ListStatuses(ctx, "octo", "hello", sha, &gh.ListOptions{PerPage: 3, Page: 2})
	if err != nil || len(page) != 1 || page[0].GetState() != "pending" {
		t.Errorf("second page of 3 = %v, %v; want the oldest status", page, err)
	}

	combined, _, err := c.Repositories.GetCombinedStatus(ctx, "octo", "hello", sha, nil)
	if err != nil {
		t.Fatal(err)
	}
	if combined.GetState() != "failure" || combined.GetTotalCount() != 2 || combined.GetSHA() != sha {
		t.Errorf("combined = %v, want failure over 2 contexts", combined)
	}

	other, _, err := c.Repositories.ListStatuses(ctx, "octo", "other", sha, nil)
	if err != nil || len(other) != 0 {
		t.Errorf("another repository lists %v, %v; want none", other, err)
	}
}

func TestConcurrentStatusesAndWait(t *testing.T) {
	api := githubtest.New(t)
	const n = 20
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	waited := make(chan []githubtest.Status, 1)
	go func() {
		got, err := api.Wait(ctx, sha, func(sts []githubtest.Status) bool { return len(sts) == n })
		if err != nil {
			t.Error(err)
		}
		waited <- got
	}()

	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Not call: t.Fatal may not run outside the test's goroutine.
			body := fmt.Sprintf(`{"state":"pending","context":"ofc/fn-%d"}`, i)
			req, _ := http.NewRequest("POST", statusURL(api, ""), strings.NewReader(body))
			req.Header.Set("Authorization", "token x")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("POST %d: %s", i, resp.Status)
			}
		})
	}
	wg.Wait()

	got := <-waited
	ids := map[int64]bool{}
	for i, st := range api.Statuses(sha) {
		if st.ID != int64(i+1) || ids[st.ID] {
			t.Errorf("status %d has id %d: want ids in arrival order", i, st.ID)
		}
		ids[st.ID] = true
	}
	if len(got) != n || len(githubtest.Latest(got)) != n {
		t.Errorf("Wait returned %d statuses over %d contexts, want %d", len(got), len(githubtest.Latest(got)), n)
	}

	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	if _, err := api.Wait(short, sha, func([]githubtest.Status) bool { return false }); err == nil {
		t.Error("Wait did not end with its context")
	}
}

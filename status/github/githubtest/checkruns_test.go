package githubtest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/ofcbuild/ofc/status/github/githubtest"
)

func checkRunsURL(api *githubtest.Server) string { return api.URL() + "repos/octo/hello/check-runs" }

func TestCheckRunCreateValidates(t *testing.T) {
	api := githubtest.New(t)
	long := strings.Repeat("é", 40000) // 80,000 bytes, under 65,535 characters
	for _, tt := range []struct {
		name, body, message string
		code                int
	}{
		{"not JSON", `{`, "Problems parsing JSON", http.StatusBadRequest},
		{"no name", `{"head_sha":"` + sha + `"}`, "Invalid request.\n\n\"name\" wasn't supplied.", http.StatusUnprocessableEntity},
		{"no head_sha", `{"name":"ofc/api"}`, "Invalid request.\n\n\"head_sha\" wasn't supplied.", http.StatusUnprocessableEntity},
		{"not a SHA", `{"name":"ofc/api","head_sha":"main"}`, "No commit found for SHA: main", http.StatusUnprocessableEntity},
		{"unknown status", `{"name":"a","head_sha":"` + sha + `","status":"done"}`, "", http.StatusUnprocessableEntity},
		{"unknown conclusion", `{"name":"a","head_sha":"` + sha + `","conclusion":"great"}`, "", http.StatusUnprocessableEntity},
		{"completed without conclusion", `{"name":"a","head_sha":"` + sha + `","status":"completed"}`, "", http.StatusUnprocessableEntity},
		{"output without summary", `{"name":"a","head_sha":"` + sha + `","output":{"title":"t"}}`, "", http.StatusUnprocessableEntity},
		{"summary over 65535 bytes", `{"name":"a","head_sha":"` + sha + `","output":{"title":"t","summary":"` + long + `"}}`, "Validation Failed", http.StatusUnprocessableEntity},
	} {
		code, v := call(t, "POST", checkRunsURL(api), "token x", tt.body)
		m, _ := v.(map[string]any)
		if code != tt.code || m["message"] == "" || (tt.message != "" && m["message"] != tt.message) {
			t.Errorf("%s: %d %v, want %d %q", tt.name, code, v, tt.code, tt.message)
		}
	}
	if n := len(api.CheckRuns(sha)); n != 0 {
		t.Errorf("recorded %d invalid check runs", n)
	}
	if code, _ := call(t, "POST", checkRunsURL(api), "", `{"name":"a","head_sha":"`+sha+`"}`); code != http.StatusUnauthorized {
		t.Errorf("create without a token: %d, want 401", code)
	}
}

// TestGoGitHubDrivesCheckRuns takes runs through their life with
// go-github, as a reporter would, checking what it reads back.
func TestGoGitHubDrivesCheckRuns(t *testing.T) {
	api := githubtest.New(t)
	c, err := gh.NewClient(nil).WithAuthToken("ghs_x").WithEnterpriseURLs(api.URL(), api.URL())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	create := func(name string) *gh.CheckRun {
		t.Helper()
		run, resp, err := c.Checks.CreateCheckRun(ctx, "octo", "hello", gh.CreateCheckRunOptions{
			Name: name, HeadSHA: sha, Status: gh.String("in_progress"), DetailsURL: gh.String("https://ofc.example.com/b/1"),
			Output: &gh.CheckRunOutput{Title: gh.String("building"), Summary: gh.String("building " + name)},
		})
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("CreateCheckRun(%s) = %v, %v", name, resp, err)
		}
		return run
	}
	api1 := create("ofc/api")
	if api1.GetID() == 0 || api1.GetStatus() != "in_progress" || api1.Conclusion != nil || api1.GetStartedAt().IsZero() ||
		api1.GetHeadSHA() != sha || api1.GetOutput().GetSummary() != "building ofc/api" || api1.GetApp().GetID() == 0 {
		t.Errorf("created %v", api1)
	}
	create("ofc/worker")
	api2 := create("ofc/api") // a re-run: the newest is the one listed

	done, _, err := c.Checks.UpdateCheckRun(ctx, "Octo", "Hello", api2.GetID(), gh.UpdateCheckRunOptions{
		Name: "ofc/api", Conclusion: gh.String("success"),
		Output: &gh.CheckRunOutput{Title: gh.String("deployed"), Summary: gh.String("deployed api")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if done.GetStatus() != "completed" || done.GetConclusion() != "success" || done.GetCompletedAt().IsZero() {
		t.Errorf("after a conclusion the run is %v, want completed", done)
	}
	if _, resp, err := c.Checks.UpdateCheckRun(ctx, "octo", "other", api2.GetID(), gh.UpdateCheckRunOptions{Name: "x"}); resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("update of another repository's run: %v, %v; want 404", resp, err)
	}

	list, _, err := c.Checks.ListCheckRunsForRef(ctx, "octo", "hello", sha, &gh.ListCheckRunsOptions{CheckName: gh.String("ofc/api")})
	if err != nil {
		t.Fatal(err)
	}
	if list.GetTotal() != 1 || len(list.CheckRuns) != 1 || list.CheckRuns[0].GetID() != api2.GetID() {
		t.Errorf("latest ofc/api runs = %v, want only the newest", list)
	}
	all, _, err := c.Checks.ListCheckRunsForRef(ctx, "octo", "hello", sha, &gh.ListCheckRunsOptions{
		Filter: gh.String("all"), ListOptions: gh.ListOptions{PerPage: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if all.GetTotal() != 3 || len(all.CheckRuns) != 2 || all.CheckRuns[0].GetID() != api2.GetID() {
		t.Errorf("first page of all runs = %v, want 2 of 3, newest first", all)
	}

	got := api.CheckRuns(sha)
	if len(got) != 3 || got[0].Name != "ofc/api" || got[1].Name != "ofc/worker" {
		t.Fatalf("recorded %+v, want 3 runs in creation order", got)
	}
	if r := got[2]; r.Status != "completed" || r.Conclusion != "success" || r.Summary != "deployed api" ||
		r.DetailsURL != "https://ofc.example.com/b/1" || r.Updates != 1 || r.Token != "ghs_x" || r.Owner != "octo" {
		t.Errorf("the updated run is recorded as %+v", r)
	}
}

func TestCheckRunsFailWith(t *testing.T) {
	api := githubtest.New(t)
	api.FailWith(http.StatusBadGateway)
	if code, _ := call(t, "POST", checkRunsURL(api), "token x", `{"name":"a","head_sha":"`+sha+`"}`); code != http.StatusBadGateway {
		t.Errorf("create while failing: %d, want 502", code)
	}
}

package gitlabtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/status/gitlab/gitlabtest"
)

func TestSetStatusAnswersLikeGitLab(t *testing.T) {
	api := gitlabtest.New(t)
	got := call(t, "POST", statusURL(api, "octo%2Fhello"), "Private-Token: tok",
		`{"state":"success","name":"ofc/api","description":"Deployed","target_url":"https://ofc.example.com/b/1","ref":"main","coverage":12.5}`)
	if got.code != http.StatusCreated {
		t.Fatalf("POST: %d %v", got.code, got.body)
	}
	want := map[string]any{"status": "success", "name": "ofc/api", "description": "Deployed",
		"target_url": "https://ofc.example.com/b/1", "ref": "main", "sha": sha, "allow_failure": false}
	for k, v := range want {
		if got.field(k) != v {
			t.Errorf("%s = %v, want %v", k, got.field(k), v)
		}
	}
	for _, k := range []string{"id", "created_at", "started_at", "finished_at", "pipeline_id", "coverage"} {
		if _, ok := got.body.(map[string]any)[k]; !ok {
			t.Errorf("answer lacks %q: %v", k, got.body)
		}
	}
	if a, ok := got.field("author").(map[string]any); !ok || a["username"] == "" || a["state"] != "active" {
		t.Errorf("author = %v", got.field("author"))
	}
	st := api.Statuses(sha)
	if len(st) != 1 || st[0].Project != "octo/hello" || st[0].Name != "ofc/api" || st[0].Ref != "main" ||
		st[0].Token != "tok" || st[0].Description != "Deployed" || st[0].TargetURL != "https://ofc.example.com/b/1" {
		t.Errorf("recorded %+v", st)
	}

	// Query parameters, context for name, and nulls for what is absent.
	bare := call(t, "POST", statusURL(api, "octo%2Fhello")+"?state=pending&context=ofc/worker", "Private-Token: tok", "")
	if bare.code != http.StatusCreated || bare.field("name") != "ofc/worker" || bare.field("description") != nil ||
		bare.field("target_url") != nil || bare.field("ref") != "main" {
		t.Errorf("bare status: %d %v, want ofc/worker with null description and target_url, on the commit's ref", bare.code, bare.body)
	}
	unnamed := call(t, "POST", statusURL(api, "octo%2Fother"), "Private-Token: tok", `{"state":"pending"}`)
	if unnamed.field("name") != "default" || unnamed.field("ref") != nil {
		t.Errorf("unnamed status: %v, want name default and a null ref", unnamed.body)
	}
}

func TestSetStatusValidates(t *testing.T) {
	api := gitlabtest.New(t)
	for _, tt := range []struct {
		name, body, key string
	}{
		{"not JSON", `{`, "error"},
		{"no state", `{"name":"c"}`, "error"},
		{"unknown state", `{"state":"error"}`, "error"},
		{"a name that is no string", `{"state":"failed","name":{"a":1}}`, "error"},
		{"description too long", `{"state":"failed","description":"` + strings.Repeat("é", 256) + `"}`, "message"},
		{"target URL not http", `{"state":"failed","target_url":"javascript:alert(1)"}`, "message"},
		{"target URL too long", `{"state":"failed","target_url":"https://x.example/` + strings.Repeat("a", 250) + `"}`, "message"},
	} {
		got := call(t, "POST", statusURL(api, "octo%2Fhello"), "Private-Token: x", tt.body)
		if got.code != http.StatusBadRequest || got.field(tt.key) == nil {
			t.Errorf("%s: %d %v, want 400 with %q", tt.name, got.code, got.body, tt.key)
		}
	}
	ok := call(t, "POST", statusURL(api, "octo%2Fhello"), "Private-Token: x",
		`{"state":"failed","description":"`+strings.Repeat("é", 255)+`"}`)
	if ok.code != http.StatusCreated {
		t.Errorf("255 characters: %d %v, want 201", ok.code, ok.body)
	}
	if n := len(api.All()); n != 1 {
		t.Errorf("recorded %d statuses, want only the valid one", n)
	}
}

// A status stays open while pending or running and GitLab refuses to
// fire the same event on it twice; once finished, a new one starts.
func TestStatusTransitions(t *testing.T) {
	api := gitlabtest.New(t)
	steps := []struct {
		state string
		code  int
		msg   string
	}{
		{"pending", 201, ""},
		{"pending", 400, "Cannot transition status via :enqueue from :pending"},
		{"running", 201, ""},
		{"running", 400, "Cannot transition status via :run from :running"},
		{"pending", 400, "Cannot transition status via :enqueue from :running"},
		{"success", 201, ""},
		{"pending", 201, ""},
		{"failed", 201, ""},
		{"running", 201, ""},
		{"skipped", 400, "Cannot transition status via :skip from :running"},
		{"canceled", 201, ""},
	}
	var ids []any
	for i, step := range steps {
		got := call(t, "POST", statusURL(api, "octo%2Fhello"), "Private-Token: x",
			`{"state":"`+step.state+`","name":"ofc/api","ref":"main"}`)
		msg, _ := got.field("message").(string)
		if got.code != step.code || !strings.HasPrefix(msg, step.msg) {
			t.Errorf("step %d, %s: %d %v, want %d %q", i, step.state, got.code, got.body, step.code, step.msg)
		}
		if got.code == 201 {
			ids = append(ids, got.field("id"))
		}
	}
	// pending, running, success on the first; pending, failed on the
	// second; running, canceled on the third.
	if len(ids) != 7 || ids[0] != ids[2] || ids[2] == ids[3] || ids[3] != ids[4] || ids[4] == ids[5] || ids[5] != ids[6] {
		t.Errorf("status ids %v, want one status per pending-to-finished run", ids)
	}

	list := call(t, "GET", api.URL()+"/projects/octo%2Fhello/repository/commits/"+sha+"/statuses", "Private-Token: x", "")
	rows, _ := list.body.([]any)
	if list.code != http.StatusOK || len(rows) != 1 || rows[0].(map[string]any)["status"] != "canceled" {
		t.Errorf("list: %d %v, want the newest status, canceled", list.code, list.body)
	}
	all := call(t, "GET", api.URL()+"/projects/octo%2Fhello/repository/commits/"+sha+"/statuses?all=true&per_page=2", "Private-Token: x", "")
	if rows, _ := all.body.([]any); len(rows) != 2 || all.header.Get("X-Total") != "3" || all.header.Get("X-Next-Page") != "2" {
		t.Errorf("all, 2 per page: %v with X-Total %q X-Next-Page %q, want 2 of 3", all.body, all.header.Get("X-Total"), all.header.Get("X-Next-Page"))
	}
}

package test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBadWebhooksAreRefusedAndMakeNoBuild(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	sha := strings.Repeat("c", 40)
	good, err := fixture.GitHubPush(fixture.Push{Owner: owner, Repo: "functions", CloneURL: "http://127.0.0.1:1/x.git",
		DefaultBranch: "main", Branch: "main", After: sha})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		d    delivery
		code int
	}{
		{"wrong signature", delivery{Event: "push", ID: "d1", Body: good, Signature: "sha256=" + strings.Repeat("0", 64)}, 401},
		{"missing signature", delivery{Event: "push", ID: "d2", Body: good, Signature: "-"}, 401},
		{"malformed body", delivery{Event: "push", ID: "d3", Body: []byte(`{"ref": "refs/heads/main", "after": `)}, 400},
		{"unsupported event", delivery{Event: "issues", ID: "d4", Body: []byte(`{"action":"opened"}`)}, 202},
		{"ping", delivery{Event: "ping", ID: "d5", Body: []byte(`{"zen":"Design for failure.","hook_id":42,"hook":{"id":42}}`)}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := sys.deliver(c.d)
			if r.Code != c.code {
				t.Errorf("answered %d %+v, want %d", r.Code, r, c.code)
			}
			if r.BuildID != 0 {
				t.Errorf("made build %d", r.BuildID)
			}
			if c.code == 202 && !strings.Contains(r.Message, "issues") {
				t.Errorf("the 202 does not say why nothing was done: %+v", r)
			}
		})
	}
	big := make([]byte, 26<<20)
	if r := sys.deliver(delivery{Event: "push", ID: "d6", Body: big}); r.Code != 413 {
		t.Errorf("a 26 MiB body answered %d, want 413", r.Code)
	}
	if got := sys.builds(owner, "functions"); len(got) != 0 {
		t.Errorf("bad deliveries made %d builds", len(got))
	}
}

func TestRedeliveredPushMakesOneBuild(t *testing.T) {
	sys := newSystem(t, 2)
	owner := "e2e-" + randomID()
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	sha := repo.Commit("main", "One static function", map[string]string{
		"stack.yml":         "version: 1.0\nfunctions:\n  static:\n    lang: dockerfile\n    handler: ./static\n    image: static:latest\n",
		"static/Dockerfile": staticDockerfile,
	})
	push := fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: sha}
	id := "delivery-" + randomID()

	first := sys.push(push, id)
	second := sys.push(push, id)
	if first.Code != 202 || second.Code != 202 {
		t.Fatalf("answers %d and %d, want 202 twice", first.Code, second.Code)
	}
	if first.BuildID != second.BuildID || second.Status != "duplicate" {
		t.Errorf("redelivery answered %+v after %+v, want the same build marked duplicate", second, first)
	}
	b := sys.waitFinal(first.BuildID, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %s: %s", b.State, b.Error)
	}
	// Give a second build, were there one, the time to start.
	time.Sleep(3 * time.Second)
	if got := sys.builds(owner, "functions"); len(got) != 1 {
		t.Errorf("%d builds, want 1", len(got))
	}
	if n := len(sys.states(sha, "ofc/static")); n != 3 {
		t.Errorf("ofc/static got %d statuses, want 3 (queued, building, deployed): built more than once?", n)
	}
}

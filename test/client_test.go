package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

// delivery is one webhook POST as GitHub makes it.
type delivery struct {
	Event     string
	ID        string
	Body      []byte
	Signature string // "" means sign with the system's secret; "-" means none
}

type reply struct {
	Code    int
	Status  string `json:"status"`
	Message string `json:"message"`
	BuildID int64  `json:"build_id"`
}

func (s *system) deliver(d delivery) reply {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.WebhookURL+"/webhooks/github", bytes.NewReader(d.Body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/e2e")
	req.Header.Set("X-GitHub-Event", d.Event)
	req.Header.Set("X-GitHub-Delivery", d.ID)
	switch d.Signature {
	case "":
		req.Header.Set("X-Hub-Signature-256", scmgithub.Sign([]byte(s.Secret), d.Body))
	case "-":
	default:
		req.Header.Set("X-Hub-Signature-256", d.Signature)
	}
	return s.send(req)
}

// send makes one webhook request and decodes the answer.
func (s *system) send(req *http.Request) reply {
	s.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r := reply{Code: resp.StatusCode}
	_ = json.Unmarshal(body, &r)
	if r.Message == "" && r.Status == "" {
		r.Message = string(body)
	}
	return r
}

// deliverGitLab POSTs a GitLab webhook with the system's token, as
// GitLab sends it.
func (s *system) deliverGitLab(event string, body []byte) reply {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.WebhookURL+"/webhooks/gitlab", bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitLab/17.0.0")
	req.Header.Set("X-Gitlab-Event", event)
	req.Header.Set("X-Gitlab-Event-UUID", "uuid-"+randomID())
	req.Header.Set("X-Gitlab-Token", s.GitLabToken)
	return s.send(req)
}

// push delivers a signed push of commit to branch and returns the reply.
func (s *system) push(p fixture.Push, deliveryID string) reply {
	s.t.Helper()
	body, err := fixture.GitHubPush(p)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.deliver(delivery{Event: "push", ID: deliveryID, Body: body})
}

// pushed delivers a push, waits for its build and fails the test unless
// it succeeded.
func (s *system) pushed(p fixture.Push) pipeline.Build {
	s.t.Helper()
	b := s.finished(p)
	if b.State != pipeline.Success {
		s.t.Fatalf("build of %s: %s at %q: %s", p.Branch, b.State, b.FailedStep, b.Error)
	}
	return b
}

// finished delivers a push and returns its build once final, however it
// ended.
func (s *system) finished(p fixture.Push) pipeline.Build {
	s.t.Helper()
	r := s.push(p, "delivery-"+randomID())
	if r.Code != 202 {
		s.t.Fatalf("push of %s answered %d %+v", p.Branch, r.Code, r)
	}
	return s.waitFinal(r.BuildID, buildWithin)
}

// pushFirst makes repository owner/name, on a git server of its own, with
// one commit of files on main, and delivers its push: it returns the
// commit and the build's id.
func (s *system) pushFirst(owner, name, message string, files map[string]string) (string, int64) {
	s.t.Helper()
	repo := gittest.NewServer(s.t).NewRepo(owner, name, "main")
	sha := repo.Commit("main", message, files)
	r := s.push(fixture.Push{Owner: owner, Repo: name, CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: sha, Message: message}, "delivery-"+randomID())
	if r.Code != 202 || r.BuildID == 0 {
		s.t.Fatalf("push of %s/%s answered %d %+v, want 202 with a build id", owner, name, r.Code, r)
	}
	return sha, r.BuildID
}

// build reads a build through the JSON API.
func (s *system) build(id int64) pipeline.Build {
	s.t.Helper()
	var b pipeline.Build
	s.getJSON(fmt.Sprintf("/api/builds/%d", id), &b)
	return b
}

// builds lists a repository's builds through the JSON API.
func (s *system) builds(owner, repo string) []pipeline.Build {
	s.t.Helper()
	var out struct {
		Builds []pipeline.Build `json:"builds"`
	}
	s.getJSON("/api/builds?owner="+owner+"&repo="+repo, &out)
	return out.Builds
}

func (s *system) getJSON(path string, v any) {
	s.t.Helper()
	resp, err := http.Get(s.WebhookURL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}

// waitFinal polls the API until the build is final.
func (s *system) waitFinal(id int64, within time.Duration) pipeline.Build {
	s.t.Helper()
	return s.waitFinalEvery(id, within, time.Second)
}

// waitFinalEvery is waitFinal asking every interval.
func (s *system) waitFinalEvery(id int64, within, interval time.Duration) pipeline.Build {
	s.t.Helper()
	deadline := time.Now().Add(within)
	var b pipeline.Build
	for time.Now().Before(deadline) {
		b = s.build(id)
		if b.State.Final() {
			return b
		}
		time.Sleep(interval)
	}
	s.t.Fatalf("build %d still %s after %s", id, b.State, within)
	return b
}

// states lists the states GitHub received for one context of a commit, in
// the order they came.
func (s *system) states(sha, context string) []string {
	var out []string
	for _, st := range s.GitHub.Statuses(sha) {
		if st.Context == context {
			out = append(out, st.State)
		}
	}
	return out
}

// last is the latest status GitHub received for one context of a commit.
func (s *system) last(sha, context string) githubtest.Status {
	return githubtest.Latest(s.GitHub.Statuses(sha))[context]
}

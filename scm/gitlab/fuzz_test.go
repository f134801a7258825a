package gitlab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// fixtureEvents maps the start of a testdata file's name to the
// X-Gitlab-Event its body is sent with; longer prefixes come first.
var fixtureEvents = []struct{ prefix, event string }{
	{"system_hook", EventSystem},
	{"merge_request", EventMergeRequest},
	{"tag_push", EventTagPush},
	{"push", EventPush},
	{"pipeline", "Pipeline Hook"},
	{"note", "Note Hook"},
}

// seedFixtures adds every payload in testdata to f, each under the event
// type its file name stands for.
func seedFixtures(f *testing.F, add func(eventType string, body []byte)) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		base := filepath.Base(p)
		eventType := ""
		for _, fe := range fixtureEvents {
			if strings.HasPrefix(base, fe.prefix) {
				eventType = fe.event
				break
			}
		}
		if eventType == "" {
			f.Fatalf("no event type for fixture %s", base)
		}
		add(eventType, body)
	}
}

// FuzzParse checks that no delivery makes Parse panic, that every error is
// one the handler can answer, and that every event is safe to build.
func FuzzParse(f *testing.F) {
	seedFixtures(f, func(eventType string, body []byte) { f.Add(eventType, body) })
	project := `"project":{"path_with_namespace":"g/s/p","git_http_url":"https://gitlab.example.com/g/s/p.git","visibility_level":20}`
	f.Add(EventPush, []byte(`{"ref":"refs/heads/x","after":"`+headSHA+`",`+project+`,"commits":[null,{"id":"`+headSHA+`"}]}`))
	f.Add(EventPush, []byte(`{"ref":"refs/heads/-x","after":"`+zeroSHA+`"}`))
	f.Add(EventPush, []byte(`{"ref":"refs/heads/x","after":"`+zeroSHA+`",`+project+`}`))
	f.Add(EventMergeRequest, []byte(`{"object_attributes":{"action":"close","iid":1,"source_branch":"x","source_project_id":1,"target_project_id":1,`+
		`"last_commit":{"id":"`+headSHA+`"}},`+project+`}`))
	f.Add(EventMergeRequest, []byte(`{"object_attributes":{"action":"update","oldrev":"x","iid":1,"source_branch":"x",`+
		`"last_commit":{"id":"`+headSHA+`"}},"user":null,`+project+`}`))
	f.Add(EventTagPush, []byte(`{}`))
	f.Add(EventSystem, []byte(`{}`))
	f.Fuzz(func(t *testing.T, eventType string, body []byte) {
		ev, err := Parse(eventType, delivery, body)
		if err != nil {
			_, ignored := IsIgnored(err)
			if ignored == errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v must be exactly one of ignored or malformed", err)
			}
			if (ev != pipeline.Event{}) {
				t.Fatalf("error %v came with an event %+v", err, ev)
			}
			return
		}
		if ev.DeliveryID != delivery || !kindOf(eventType, ev) || !ev.ReceivedAt.IsZero() || ev.InstallationID != 0 {
			t.Fatalf("event %+v from a %q delivery", ev, eventType)
		}
		switch {
		case ev.Kind == pipeline.Tag:
			if ev.Ref != "refs/tags/"+ev.Tag || !pipeline.ValidBranch(ev.Tag) || ev.Branch != "" {
				t.Fatalf("ref %q / tag %q / branch %q are not a tag", ev.Ref, ev.Tag, ev.Branch)
			}
		case ev.Fork:
			if ev.Ref != fmt.Sprintf("refs/merge-requests/%d/head", ev.PullRequest) || ev.Branch != pipeline.ForkBranch(ev.PullRequest) {
				t.Fatalf("ref %q / branch %q of a fork's merge request !%d", ev.Ref, ev.Branch, ev.PullRequest)
			}
		case ev.Ref != "refs/heads/"+ev.Branch || !pipeline.ValidBranch(ev.Branch) || ev.Tag != "":
			t.Fatalf("ref %q / branch %q are not a branch", ev.Ref, ev.Branch)
		}
		// Only a deleted branch has no commit left.
		// A merge request closed may say no commit: its cleanup needs none.
		noCommit := ev.Kind == pipeline.Cleanup && eventType != EventMergeRequest
		maybeNone := ev.Kind == pipeline.Cleanup && eventType == EventMergeRequest && ev.Commit == ""
		if noCommit && ev.Commit != "" || !noCommit && !maybeNone && (!commitRe.MatchString(ev.Commit) || isZeroSHA(ev.Commit)) {
			t.Fatalf("commit %q of a %s %s is not a SHA to build", ev.Commit, eventType, ev.Kind)
		}
		// Only a merge request event names one, or comes from a fork.
		if (eventType == EventMergeRequest) != (ev.PullRequest > 0) || ev.Fork && eventType != EventMergeRequest {
			t.Fatalf("merge request %d, fork %v in a %s %s", ev.PullRequest, ev.Fork, eventType, ev.Kind)
		}
		r := ev.Repo
		if r.Provider != pipeline.GitLab || !validNamespace(r.Owner) || !validSegment(r.Name) || pipeline.CheckCloneURL("clone_url", r.CloneURL, r.Owner, r.Name) != nil {
			t.Fatalf("repository %+v is not safe to build", r)
		}
	})
}

// kindOf reports whether ev's kind is one a delivery of eventType makes.
func kindOf(eventType string, ev pipeline.Event) bool {
	switch eventType {
	case EventPush, EventTagPush:
		return ev.Kind == pipeline.Push || ev.Kind == pipeline.Tag || ev.Kind == pipeline.Cleanup
	case EventMergeRequest:
		return ev.Kind == pipeline.PullRequest || ev.Kind == pipeline.Cleanup
	}
	return false
}

// FuzzVerify checks that a token is accepted exactly when it is the one
// configured, and never when none is.
func FuzzVerify(f *testing.F) {
	f.Add("", "")
	f.Add("", "token")
	f.Add("token", "")
	f.Add("token", "token")
	f.Add("token", "Token")
	f.Add("token", "token\x00")
	f.Fuzz(func(t *testing.T, expected, header string) {
		err := Verify(expected, header)
		switch {
		case expected == "":
			if err != ErrNoToken {
				t.Fatalf("Verify with no token configured = %v, want ErrNoToken", err)
			}
		case header == expected:
			if err != nil {
				t.Fatalf("Verify(%q, %q) = %v, want nil", expected, header, err)
			}
		default:
			if err != ErrBadToken {
				t.Fatalf("Verify(%q, %q) = %v, want ErrBadToken", expected, header, err)
			}
		}
	})
}

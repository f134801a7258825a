package github

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// seedFixtures adds every payload in testdata to f, each under the event
// type its file name starts with.
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
		base := strings.TrimSuffix(filepath.Base(p), ".json")
		// File names are <event>[_<variant>]; event names hold underscores
		// too, so match the known ones first.
		eventType := base
		for _, ev := range []string{"pull_request", "issue_comment", "check_suite", "check_run"} {
			if strings.HasPrefix(base, ev) {
				eventType = ev
			}
		}
		if eventType == base {
			eventType, _, _ = strings.Cut(base, "_")
		}
		add(eventType, body)
	}
}

// FuzzParse checks that no delivery makes Parse panic, that every error is
// one the handler can answer, and that every event is safe to build.
func FuzzParse(f *testing.F) {
	seedFixtures(f, func(eventType string, body []byte) { f.Add(eventType, body) })
	f.Add("push", []byte(`{"ref":"refs/heads/x","after":"`+helloSHA+`","repository":{"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}`))
	f.Add("push", []byte(`{"ref":"refs/heads/-x","after":"`+zeroSHA+`"}`))
	f.Add("push", []byte(`{"ref":"refs/heads/x","deleted":true,"repository":{"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}`))
	f.Add("pull_request", []byte(`{"action":"closed","number":1,"pull_request":{"head":{"ref":"x","sha":"`+helloSHA+
		`","repo":{"full_name":"o/r"}},"base":{"repo":{"full_name":"o/r","name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}}}`))
	f.Add("pull_request", []byte(`{"action":"opened","number":1,"pull_request":{"head":{"ref":"x","sha":"`+helloSHA+
		`","repo":null},"base":{"repo":{"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}}}`))
	f.Add("delete", []byte(`{"ref":"x","ref_type":"branch","repository":{"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}`))
	f.Add("check_run", []byte(`{"action":"rerequested","check_run":{"name":"n","head_sha":"`+helloSHA+
		`","check_suite":{"head_branch":"x","pull_requests":[{"number":2,"base":{"repo":{"id":1}}}]}},`+
		`"repository":{"id":1,"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"},"installation":{"id":3}}`))
	f.Add("check_run", []byte(`{"action":"rerequested","check_run":{"head_sha":"`+helloSHA+
		`","check_suite":{"head_branch":null},"pull_requests":[{"number":1}]},"repository":{"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}`))
	f.Add("check_suite", []byte(`{"action":"rerequested","check_suite":{"id":1,"head_branch":"a/b","head_sha":"`+sha256Hex+
		`","pull_requests":[{"number":4,"base":{"repo":{"id":2}}},{"number":5}]},"repository":{"id":1,"name":"r","owner":{"login":"o"},"clone_url":"https://github.com/o/r.git"}}`))
	f.Add("check_suite", []byte(`{"action":"completed","check_suite":{}}`))
	f.Add("ping", []byte(`{}`))
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
		if ev.DeliveryID != delivery || !kindOf(eventType, ev) {
			t.Fatalf("event %+v from a %q delivery", ev, eventType)
		}
		switch {
		case ev.Kind == pipeline.Tag:
			if ev.Ref != "refs/tags/"+ev.Tag || !pipeline.ValidBranch(ev.Tag) || ev.Branch != "" {
				t.Fatalf("ref %q / tag %q / branch %q are not a tag", ev.Ref, ev.Tag, ev.Branch)
			}
		case ev.Fork:
			if ev.Ref != fmt.Sprintf("refs/pull/%d/head", ev.PullRequest) || ev.Branch != pipeline.ForkBranch(ev.PullRequest) {
				t.Fatalf("ref %q / branch %q of a fork's pull request #%d", ev.Ref, ev.Branch, ev.PullRequest)
			}
		case ev.Ref != "refs/heads/"+ev.Branch || !pipeline.ValidBranch(ev.Branch) || ev.Tag != "":
			t.Fatalf("ref %q / branch %q are not a branch", ev.Ref, ev.Branch)
		}
		// Only a deleted branch has no commit left.
		noCommit := ev.Kind == pipeline.Cleanup && eventType != EventPullRequest
		if noCommit && ev.Commit != "" || !noCommit && (!commitRe.MatchString(ev.Commit) || isZeroSHA(ev.Commit)) {
			t.Fatalf("commit %q of a %s %s is not a SHA to build", ev.Commit, eventType, ev.Kind)
		}
		// A pull request event names one, a check's may, pushes never; a
		// fork's only makes builds.
		namesPR := ev.PullRequest > 0
		if eventType == EventPullRequest && !namesPR || (eventType == EventPush || eventType == EventDelete) && namesPR ||
			ev.PullRequest < 0 || ev.Fork && ev.Kind != pipeline.PullRequest && ev.Kind != pipeline.Cleanup {
			t.Fatalf("pull request %d, fork %v in a %s %s", ev.PullRequest, ev.Fork, eventType, ev.Kind)
		}
		r := ev.Repo
		if r.Provider != pipeline.GitHub || !ownerRe.MatchString(r.Owner) || !nameRe.MatchString(r.Name) ||
			r.Name == "." || r.Name == ".." || pipeline.CheckCloneURL("clone_url", r.CloneURL, r.Owner, r.Name) != nil {
			t.Fatalf("repository %+v is not safe to build", r)
		}
	})
}

// kindOf reports whether ev's kind is one a delivery of eventType makes.
func kindOf(eventType string, ev pipeline.Event) bool {
	switch eventType {
	case EventPush:
		return ev.Kind == pipeline.Push || ev.Kind == pipeline.Tag || ev.Kind == pipeline.Cleanup
	case EventPullRequest:
		return ev.Kind == pipeline.PullRequest || ev.Kind == pipeline.Cleanup
	case EventDelete:
		return ev.Kind == pipeline.Cleanup
	case EventCheckRun, EventCheckSuite:
		return ev.Kind == pipeline.Push
	}
	return false
}

// FuzzVerify checks that a signature verifies exactly when it is the one
// Sign makes, whatever the secret, header and body.
func FuzzVerify(f *testing.F) {
	secret := []byte(docSecret)
	seedFixtures(f, func(_ string, body []byte) {
		f.Add(secret, Sign(secret, body), body)
		f.Add(secret, "sha256=00", body)
	})
	f.Add([]byte{}, "", []byte{})
	f.Add(secret, "sha1=0000000000000000000000000000000000000000", []byte(docBody))
	f.Fuzz(func(t *testing.T, secret []byte, sig string, body []byte) {
		err := Verify(secret, sig, body)
		if len(secret) == 0 {
			if !errors.Is(err, ErrNoSecret) {
				t.Fatalf("Verify with no secret = %v, want ErrNoSecret", err)
			}
			return
		}
		want := Sign(secret, body)
		// Hex is case-blind; the algorithm prefix is not.
		got, prefixed := strings.CutPrefix(strings.TrimSpace(sig), "sha256=")
		match := prefixed && strings.EqualFold(got, strings.TrimPrefix(want, "sha256="))
		if (err == nil) != match {
			t.Fatalf("Verify(%q) = %v, but Sign gives %q", sig, err, want)
		}
		if err != nil && !errors.Is(err, ErrMissingSignature) && !errors.Is(err, ErrBadSignature) {
			t.Fatalf("Verify() = %v, want a sentinel error", err)
		}
		if err := Verify(secret, want, body); err != nil {
			t.Fatalf("Verify(Sign()) = %v", err)
		}
	})
}

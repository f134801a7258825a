package test

import (
	"html"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

// TestFailuresBeforeTheBuildAreInItsLogAndPage: a commit that cannot be
// fetched and a stack file that does not parse fail before any function
// is built; the user reads why in the build's own log and on its page.
func TestFailuresBeforeTheBuildAreInItsLogAndPage(t *testing.T) {
	sys := newSystem(t, 1)
	owner := "e2e-" + randomID()
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "fns", "main")
	good := repo.Commit("main", "A first commit", map[string]string{"README.md": "functions\n"})
	broken := repo.Commit("main", "Break the stack file", map[string]string{
		"stack.yml": "version: 1.0\nfunctions:\n  api:\n    lang: go\n    handlr: ./api\n",
	})
	// A commit the repository does not have: pushed, then force-pushed
	// away before the build could fetch it.
	gone := strings.Repeat("e", 40)

	for _, c := range []struct {
		name, sha string
		step      pipeline.Step
		says      string
	}{
		{"unknown commit", gone, pipeline.StepClone, "not our ref " + gone},
		{"broken stack file", broken, pipeline.StepStack, `stack.yml:5: function "api": unknown field "handlr"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sys.push(fixture.Push{Owner: owner, Repo: "fns", CloneURL: repo.CloneURL, DefaultBranch: "main",
				Branch: "main", Before: good, After: c.sha, Message: c.name}, "delivery-"+randomID())
			if r.Code != 202 {
				t.Fatalf("push answered %d %+v", r.Code, r)
			}
			b := sys.waitFinal(r.BuildID, buildWithin)
			if b.State != pipeline.Failure || b.FailedStep != c.step || !strings.Contains(b.Error, c.says) {
				t.Fatalf("build %s at %q: %q; want failure at %s saying %q", b.State, b.FailedStep, b.Error, c.step, c.says)
			}

			var own []string
			for _, l := range sys.logLines(b.ID) {
				if l.Function != "" {
					t.Errorf("line %d is on %q's stream; no function was built", l.Seq, l.Function)
				}
				own = append(own, l.Text)
			}
			// The error, then the failure reported on the commit.
			var errLine, status string
			if n := len(own); n >= 2 {
				errLine, status = own[n-2], own[n-1]
			}
			if !strings.HasPrefix(errLine, "error: ") || !strings.Contains(errLine, c.says) ||
				!strings.HasPrefix(status, "status ofc: failure: ") {
				t.Errorf("the build's log ends %q, %q; want the error saying %q, then the status:\n%s",
					errLine, status, c.says, strings.Join(own, "\n"))
			}

			body, _ := sys.page(b.ID)
			if !strings.Contains(body, html.EscapeString(c.says)) {
				t.Errorf("the build page does not say %q:\n%s", c.says, body)
			}
			if st := sys.last(c.sha, "ofc"); st.State != "failure" || !strings.Contains(st.TargetURL, "/builds/") {
				t.Errorf("status ofc: %s %q linking %q; want a failure linking the build page", st.State, st.Description, st.TargetURL)
			}
		})
	}
}

package test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

// TestOldLogsAreRemovedOnSchedule: with OFC_LOG_KEEP_BUILDS=1 the
// builder's scheduled job removes the log of a repository's older build
// and keeps the newest's; the older build stays in the history, and its
// page and log say when and why the log went.
func TestOldLogsAreRemovedOnSchedule(t *testing.T) {
	sys := newSystemWith(t, 1, "OFC_CLEANUP_SCHEDULE=@every 1s", "OFC_LOG_KEEP_BUILDS=1")
	owner := "e2e-" + randomID()
	repo := gittest.NewServer(t).NewRepo(owner, "fns", "main")
	// Builds that end at the stack file are quick, and have logs.
	var ids []int64
	before := strings.Repeat("0", 40)
	for i := range 2 {
		sha := repo.Commit("main", fmt.Sprint("commit ", i), map[string]string{"stack.yml": fmt.Sprintf("functions: {}\n# %d\n", i)})
		r := sys.push(fixture.Push{Owner: owner, Repo: "fns", CloneURL: repo.CloneURL, DefaultBranch: "main",
			Branch: "main", Before: before, After: sha, Message: fmt.Sprint("commit ", i)}, "delivery-"+randomID())
		if r.Code != 202 || r.BuildID == 0 {
			t.Fatalf("push %d answered %d %+v", i, r.Code, r)
		}
		if b := sys.waitFinal(r.BuildID, buildWithin); b.State != pipeline.Failure || b.FailedStep != pipeline.StepStack {
			t.Fatalf("build %d: %s at %q: %s", b.ID, b.State, b.FailedStep, b.Error)
		}
		ids, before = append(ids, r.BuildID), sha
	}
	older, newer := ids[0], ids[1]

	var b pipeline.Build
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if b = sys.build(older); b.LogRemovedAt != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("build %d still has its log a minute on", older)
		}
	}
	if b.State != pipeline.Failure || b.LogRemovedWhy != "not among the repository's latest 1 builds" {
		t.Errorf("build %d after retention: %s, removed because %q", older, b.State, b.LogRemovedWhy)
	}
	var page struct {
		Lines      []pipeline.LogLine `json:"lines"`
		LogRemoved string             `json:"log_removed"`
	}
	sys.getJSON(fmt.Sprintf("/api/builds/%d/logs", older), &page)
	if len(page.Lines) != 0 || !strings.HasPrefix(page.LogRemoved, "This log was removed by the retention policy on ") {
		t.Errorf("the removed log reads as %d lines, %q", len(page.Lines), page.LogRemoved)
	}
	if body, _ := sys.page(older); !strings.Contains(body, "This log was removed by the retention policy") {
		t.Errorf("the older build's page does not say its log was removed")
	}
	if kept := sys.logLines(newer); len(kept) == 0 || sys.build(newer).LogRemovedAt != nil {
		t.Errorf("the newest build lost its log (%d lines)", len(kept))
	}
}

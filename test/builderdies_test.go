package test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// TestABuildWhoseBuilderDiesKeepsItsLog: a builder killed in the middle
// of a RUN step loses none of the lines it had logged; the build's next
// attempt, on another builder, numbers its lines after them, and the
// finished build's log holds both attempts.
func TestABuildWhoseBuilderDiesKeepsItsLog(t *testing.T) {
	// A short claim timeout: the takeover comes within seconds, not
	// minutes, of the kill.
	sys := newSystemWith(t, 1, "OFC_CLAIM_TIMEOUT=12s")
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	_, id := sys.pushFirst(owner, "ticker", "Tick slowly", map[string]string{
		"stack.yml":         tickerStack,
		"ticker/Dockerfile": fmt.Sprintf(tickerDockerfile, randomID(), ticks),
	})

	// Kill the builder once a few ticks are stored.
	var before []pipeline.LogLine
	for deadline := time.Now().Add(buildWithin); countTicks(before) < 5; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no 5 ticks stored within %s", buildWithin)
		}
		before = sys.logLines(id)
	}
	if err := syscall.Kill(sys.pids["builder"][0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	kept := sys.logLines(id)
	if b := sys.build(id); b.State.Final() || len(kept) < len(before) || countTicks(kept) >= ticks {
		t.Fatalf("after the kill: build %s, %d lines stored (%d before), %d ticks; want it unfinished with its lines",
			b.State, len(kept), len(before), countTicks(kept))
	}

	// Another builder takes the build over once the first one's claim is
	// stale and the queue redelivers it.
	sys.start("builder", "OFC_BUILDER_NAME=builder-after")
	b := sys.waitFinal(id, buildWithin+2*time.Minute)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at %q: %s", b.State, b.FailedStep, b.Error)
	}
	final := sys.logLines(id)
	for i, l := range kept {
		if i >= len(final) || final[i] != l {
			t.Fatalf("line %d of the first attempt, %+v, is not where it was in the final log", l.Seq, l)
		}
	}
	for i := 1; i < len(final); i++ {
		if final[i].Seq <= final[i-1].Seq {
			t.Fatalf("line %d follows line %d: the second attempt numbered over the first", final[i].Seq, final[i-1].Seq)
		}
	}
	if n := countTicks(final[len(kept):]); n != ticks {
		t.Errorf("the second attempt logged %d ticks, want all %d", n, ticks)
	}
	body, _ := sys.page(b.ID)
	if strings.Count(body, "tick 1\n") < 2 {
		t.Errorf("the page does not show both attempts' first tick")
	}
}

// TestABuilderStoppedPastItsGraceHandsItsBuildOn: SIGTERM in the middle of
// a RUN step longer than the builder's grace. The builder stops the build
// when the grace is over, hands it back to the queue before it exits
// (although its own context is cancelled by then), and another builder
// finishes it.
func TestABuilderStoppedPastItsGraceHandsItsBuildOn(t *testing.T) {
	sys := newSystemWith(t, 1, "OFC_SHUTDOWN_GRACE=2s", "OFC_CLAIM_TIMEOUT=12s")
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	_, id := sys.pushFirst(owner, "ticker", "Tick slowly", map[string]string{
		"stack.yml":         tickerStack,
		"ticker/Dockerfile": fmt.Sprintf(tickerDockerfile, randomID(), ticks),
	})
	for deadline := time.Now().Add(buildWithin); countTicks(sys.logLines(id)) < 3; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no 3 ticks stored within %s", buildWithin)
		}
	}
	if err := syscall.Kill(sys.pids["builder"][0], syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The step has seconds to go when the grace ends: the build goes back
	// to the queue, saying why.
	var b pipeline.Build
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if b = sys.build(id); b.State == pipeline.Queued {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("build %s a minute after SIGTERM with a 2s grace, want it handed back (queued)", b.State)
		}
	}
	if !strings.Contains(b.Error, "stopped") {
		t.Errorf("the handed-back build says %q, want why", b.Error)
	}

	sys.start("builder", "OFC_BUILDER_NAME=builder-after")
	restarted := time.Now()
	if b := sys.waitFinal(id, buildWithin); b.State != pipeline.Success {
		t.Fatalf("build %s at %q after the handover: %s", b.State, b.FailedStep, b.Error)
	}
	t.Logf("FAULT builder-sigterm-past-grace accepted=1 lost=0 recover=%s", time.Since(restarted).Round(100*time.Millisecond))
	if n := countTicks(sys.logLines(id)); n < ticks {
		t.Errorf("%d ticks logged, want the second attempt's %d at least", n, ticks)
	}
}

// countTicks counts the lines a ticker step printed.
func countTicks(lines []pipeline.LogLine) int {
	n := 0
	for _, l := range lines {
		if tickLine.MatchString(l.Text) {
			n++
		}
	}
	return n
}

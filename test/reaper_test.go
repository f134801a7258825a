package test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// TestTheReaperFinishesABuildTheQueueGaveUpOn: the queue delivers a
// request once (OFC_MAX_ATTEMPTS=1) and its builder is killed in the
// middle of it. Nothing will deliver it again, and the build would stay
// running for ever; the reaper, on another builder, finds it quiet with
// no request waiting, hands it back, and it is built.
func TestTheReaperFinishesABuildTheQueueGaveUpOn(t *testing.T) {
	settings := []string{"OFC_CLAIM_TIMEOUT=8s", "OFC_REAP_AFTER=24s", "OFC_REAP_SCHEDULE=@every 3s", "OFC_MAX_ATTEMPTS=1"}
	sys := newSystemWith(t, 1, settings...)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	_, id := sys.pushFirst(owner, "ticker", "Tick", map[string]string{
		"stack.yml":         tickerStack,
		"ticker/Dockerfile": fmt.Sprintf(tickerDockerfile, randomID(), ticks),
	})
	for deadline := time.Now().Add(buildWithin); countTicks(sys.logLines(id)) < 3; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no 3 ticks stored within %s", buildWithin)
		}
	}
	if err := syscall.Kill(sys.pids["builder"][0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	sys.start("builder", "OFC_BUILDER_NAME=builder-reaper")
	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Success {
		t.Fatalf("build %s at %q: %s", b.State, b.FailedStep, b.Error)
	}
	t.Logf("FAULT builder-killed-deliveries-spent accepted=1 lost=0 recover=%s", time.Since(killed).Round(100*time.Millisecond))
}

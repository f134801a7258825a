package test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// The timing of the outage tests follows from the configuration they give
// the builders; no wait below is tuned to an idle machine.
const (
	// outageClaimTimeout is the builders' OFC_CLAIM_TIMEOUT: short, so
	// that a build whose heartbeats an outage stopped is taken over
	// within seconds. Heartbeats go every quarter of it, and the queue's
	// ack wait is one and a half of it (cmd/builder).
	outageClaimTimeout = 12 * time.Second
	outageAckWait      = outageClaimTimeout * 3 / 2
	outageHeartbeat    = outageClaimTimeout / 4
	// outageMaxAttempts is the builders' OFC_MAX_ATTEMPTS.
	outageMaxAttempts = 5
	// retryWaits is the most the retries of one build wait in all:
	// pipeline.RunnerConfig's defaults, which cmd/builder keeps, wait 10s
	// after the first transient failure and twice as long after each
	// next one, up to 2m.
	retryWaits = (10 + 20 + 40 + 80 + 120) * time.Second
	// githubTimeout is how long GitHub waits for an answer to a delivery
	// before it counts it failed.
	githubTimeout = 10 * time.Second
	// outageTicks is how long each test function's RUN step lasts, in
	// ticks of 0.3s: long enough to be caught in the middle.
	outageTicks = 12
	// transientLine is what a builder logs when a build goes back to the
	// queue after a failure of the service's own.
	transientLine = "transient failure; build goes back to the queue"
)

// settleWithin bounds how long the accepted builds may take to end once
// the fault is over: every attempt may wait out a retry and an ack wait,
// and then the builds run, buildWithin for all.
const settleWithin = retryWaits + outageMaxAttempts*outageAckWait + buildWithin

// outage is one fault test: a system whose builders log to files the test
// reads, a deploy counter in front of the gateway, and the pushes made,
// each of one ticker function in a repository of its own.
type outage struct {
	t       *testing.T
	fault   string
	sys     *system
	owner   string
	git     *gittest.Server
	deploys *deployCounter
	tags    bool

	builderLogs []string
	pushes      []*outagePush

	// mu guards what deliveries record: they may run beside the test.
	mu sync.Mutex
	// accepted are the pushes answered 202, by build id.
	accepted map[int64]*outagePush
	// refused are the pushes answered 503 while the fault lasted.
	refused []*outagePush
	// down and up are when the fault began and ended.
	down, up time.Time
}

// outagePush is one delivery and what came of it.
type outagePush struct {
	Repo, Commit, Delivery string
	Body                   []byte
	BuildID                int64
}

// newOutage prepares a fault test; start starts its system.
func newOutage(t *testing.T, fault string) *outage {
	svc := requireServices(t)
	o := &outage{t: t, fault: fault, owner: "e2e-" + randomID(), git: gittest.NewServer(t),
		accepted: map[int64]*outagePush{}}
	o.deploys = newDeployCounter(t, svc.GatewayURL)
	return o
}

// start starts a webhook and builders, with settings on top of the
// outage tests' own (the gateway behind the deploy counter).
func (o *outage) start(builders int, settings ...string) {
	o.t.Helper()
	base := []string{"OFC_GATEWAY_URL=" + o.deploys.URL, "OFC_CLAIM_TIMEOUT=" + outageClaimTimeout.String(),
		fmt.Sprintf("OFC_MAX_ATTEMPTS=%d", outageMaxAttempts)}
	o.sys = newSystemWith(o.t, 0, append(base, settings...)...)
	for i := range builders {
		o.builderLogs = append(o.builderLogs, o.startBuilder(fmt.Sprintf("builder-%d", i)))
	}
	removeFunctionsAtEnd(o.t, o.sys.svc, o.owner)
	// Runs first: removing a function waits out its container's stop, a
	// few seconds each, and the outage tests deploy several.
	o.t.Cleanup(o.removeFunctions)
}

// removeFunctions deletes the test's functions from the gateway all at
// once; removeFunctionsAtEnd then finds none and checks that no container
// is left.
func (o *outage) removeFunctions() {
	ctx := context.Background()
	gw := gatewayClient(o.t, o.sys.svc)
	fns, err := gw.List(ctx)
	if err != nil {
		o.t.Errorf("list functions: %v", err)
		return
	}
	var wg sync.WaitGroup
	for _, fn := range fns {
		if strings.HasPrefix(fn.Name, o.owner+"-") {
			wg.Go(func() {
				if err := gw.Delete(ctx, fn.Name); err != nil {
					o.t.Errorf("delete %s: %v", fn.Name, err)
				}
			})
		}
	}
	wg.Wait()
}

// startBuilder starts a builder and returns the path of its log, where
// the test reads what it retried.
func (o *outage) startBuilder(name string) string {
	return o.sys.start("builder", "OFC_BUILDER_NAME="+name)
}

// builderLog is every builder's log so far.
func (o *outage) builderLog() string {
	var b strings.Builder
	for _, p := range o.builderLogs {
		out, _ := os.ReadFile(p)
		b.Write(out)
	}
	return b.String()
}

// waitTicking waits until a build of the accepted is in the middle of its
// RUN step, and returns its id.
func (o *outage) waitTicking() int64 {
	o.t.Helper()
	for deadline := time.Now().Add(buildWithin); ; time.Sleep(200 * time.Millisecond) {
		for id := range o.accepted {
			if countTicks(o.sys.logLines(id)) >= 2 {
				return id
			}
		}
		if time.Now().After(deadline) {
			o.t.Fatalf("no build reached its RUN step within %s", buildWithin)
		}
	}
}

// waitBuilderLog waits until the builders have logged want n times in
// all, within d.
func (o *outage) waitBuilderLog(want string, n int, d time.Duration) {
	o.t.Helper()
	for deadline := time.Now().Add(d); strings.Count(o.builderLog(), want) < n; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			o.t.Fatalf("the builders did not log %q %d times within %s", want, n, d)
		}
	}
}

// faultBegins and faultEnds mark the fault's window.
func (o *outage) faultBegins() { o.down = time.Now() }
func (o *outage) faultEnds()   { o.up = time.Now() }

// settle waits until every accepted build is final, and returns them.
func (o *outage) settle() map[int64]pipeline.Build {
	o.t.Helper()
	out := map[int64]pipeline.Build{}
	deadline := time.Now().Add(settleWithin)
	for id := range o.accepted {
		for {
			b := o.sys.build(id)
			if b.State.Final() || time.Now().After(deadline) {
				out[id] = b
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	return out
}

// report checks that no accepted build was lost and logs the fault's
// figures in one line, for docs/benchmarks.md:
//
//	FAULT <fault> accepted=.. lost=.. duplicate_deploys=.. recover=..s ...
//
// lost counts accepted builds that did not end in success; recover is
// the time from the service's return to the first build that finished
// after it, settled to the last; down is how long the fault lasted,
// refused how many deliveries were answered 503 meanwhile, retries how
// many times a build went back to the queue, deploys how many deploys the
// gateway took.
func (o *outage) report(builds map[int64]pipeline.Build) {
	o.t.Helper()
	lost := 0
	var first, last time.Duration = -1, 0
	for id, b := range builds {
		if b.State != pipeline.Success {
			lost++
			o.t.Errorf("accepted build %d (%s) ended %s at %q: %s", id, o.accepted[id].Repo, b.State, b.FailedStep, b.Error)
		}
		if b.FinishedAt != nil && b.FinishedAt.After(o.up) {
			d := b.FinishedAt.Sub(o.up)
			if first < 0 || d < first {
				first = d
			}
			last = max(last, d)
		}
	}
	o.logTrouble()
	// A delivery refused while the service was down, then delivered
	// again, is built and deployed once.
	for _, p := range o.refused {
		if n := o.deploys.of(o.deployName(p)); !o.tags && n != 1 {
			o.t.Errorf("%s, refused then redelivered, was deployed %d times", p.Repo, n)
		}
	}
	deploys, dups := o.deploys.tally(o.owner + "-")
	recover := "none"
	if first >= 0 {
		recover = fmt.Sprintf("%.1fs", first.Seconds())
	}
	o.t.Logf("FAULT %s accepted=%d lost=%d duplicate_deploys=%d recover=%s settled=%.1fs down=%.1fs refused=%d retries=%d deploys=%d",
		o.fault, len(o.accepted), lost, dups, recover, last.Seconds(), o.up.Sub(o.down).Seconds(), len(o.refused),
		strings.Count(o.builderLog(), transientLine), deploys)
}

// deployName is the gateway's name of p's function.
func (o *outage) deployName(p *outagePush) string {
	return plan.DeployName(o.owner, p.Repo, "", "ticker")
}

// logTrouble logs, to read with the figures, when the fault began and
// ended, why each retry happened and when, and how often the builders
// warned or complained of each thing.
func (o *outage) logTrouble() {
	o.t.Helper()
	o.t.Logf("fault from %s to %s", o.down.UTC().Format(time.TimeOnly+".000"), o.up.UTC().Format(time.TimeOnly+".000"))
	counts := map[string]int{}
	for _, line := range strings.Split(o.builderLog(), "\n") {
		if strings.Contains(line, transientLine) {
			when, _, _ := strings.Cut(strings.TrimPrefix(line, "time="), " ")
			_, why, _ := strings.Cut(line, "build_id=")
			o.t.Logf("retry at %s: build_id=%s", when, why)
		}
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			if _, msg, ok := strings.Cut(line, "msg="); ok {
				// slog's text format quotes a message with spaces.
				if quoted, ok := strings.CutPrefix(msg, `"`); ok {
					msg, _, _ = strings.Cut(quoted, `"`)
				} else {
					msg, _, _ = strings.Cut(msg, " ")
				}
				counts[msg]++
			}
		}
	}
	for _, msg := range slices.Sorted(maps.Keys(counts)) {
		o.t.Logf("builders logged %d× %q", counts[msg], msg)
	}
}

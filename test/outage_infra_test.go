package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/faults"
	"github.com/ofcbuild/ofc/internal/testenv"
)

// TestOutageBuildKitRestart: the builders' buildkitd (a private one) is
// killed in the middle of a RUN step, with more builds waiting, and
// started again on its root. The build in flight goes back to the queue,
// saying why in the builder's log, and every build then succeeds.
func TestOutageBuildKitRestart(t *testing.T) {
	bin := filepath.Join(moduleRoot(), ".dev", "bin", "buildkitd")
	if _, err := os.Stat(bin); err != nil {
		testenv.Missing(t, "buildkitd is not built: make up builds it into .dev/bin")
	}
	svc := requireServices(t)
	bk, err := faults.StartBuildKit(t, faults.BuildKitConfig{Bin: bin, Mirror: svc.Registry})
	requireStarted(t, "private buildkitd", err, false)
	o := newOutage(t, "buildkitd-restart")
	o.start(1, "OFC_BUILDKIT_ADDR="+bk.Addr())
	for range 3 {
		o.pushAccepted()
	}
	o.waitTicking()

	o.faultBegins()
	if err := bk.Kill(); err != nil {
		t.Fatal(err)
	}
	// The solve in flight loses its daemon at once; the builder hands the
	// build back before it picks the next request.
	o.waitBuilderLog(transientLine, 1, outageAckWait)
	if err := bk.Start(); err != nil {
		t.Fatal(err)
	}
	o.faultEnds()

	builds := o.settle()
	o.report(builds)
	// gRPC's word for a daemon gone, whichever call of the solve met it.
	o.requireRetried("Unavailable")
}

// TestOutageRegistryDown: the registry goes away in the middle of a build,
// for the builder and for the buildkitd that pushes its images (both
// reach it through a proxy the test takes down), until the builder has
// met it. The push is retried, and every build then succeeds. The builds
// are of tags, which are built and pushed, not deployed: the gateway pulls
// only from the dev stack's own registry address.
func TestOutageRegistryDown(t *testing.T) {
	svc := requireServices(t)
	reg, err := faults.NewProxy(t, svc.Registry)
	requireStarted(t, "registry proxy", err, false)
	o := newOutage(t, "registry-down")
	o.tags = true
	o.start(1, "OFC_REGISTRY="+reg.Addr(), "OFC_BUILD_TAGS=true")
	for range 3 {
		o.pushAccepted()
	}
	o.waitTicking()

	o.faultBegins()
	reg.Down()
	o.waitBuilderLog(transientLine, 1, settleWithin)
	if err := reg.Up(); err != nil {
		t.Fatal(err)
	}
	o.faultEnds()

	builds := o.settle()
	o.report(builds)
	o.requireRetried(reg.Addr())
}

// TestOutageGatewayDown: the gateway goes away in the middle of a build
// until the builder has met it. The deploy is retried, and every build
// then deploys its function.
func TestOutageGatewayDown(t *testing.T) {
	o := newOutage(t, "gateway-down")
	gw, err := faults.NewProxy(t, strings.TrimPrefix(o.deploys.URL, "http://"))
	requireStarted(t, "gateway proxy", err, false)
	o.start(1, "OFC_GATEWAY_URL=http://"+gw.Addr())
	for range 3 {
		o.pushAccepted()
	}
	o.waitTicking()

	o.faultBegins()
	gw.Down()
	o.waitBuilderLog(transientLine, 1, settleWithin)
	if err := gw.Up(); err != nil {
		t.Fatal(err)
	}
	o.faultEnds()

	builds := o.settle()
	o.report(builds)
	o.requireRetried("gateway unreachable")
	if deploys, _ := o.deploys.tally(o.owner + "-"); deploys < len(o.accepted) {
		t.Errorf("the gateway took %d deploys for %d builds", deploys, len(o.accepted))
	}
}

// requireRetried checks that a builder said, in its log, that a build went
// back to the queue for a failure whose message holds want.
func (o *outage) requireRetried(want string) {
	o.t.Helper()
	for _, line := range strings.Split(o.builderLog(), "\n") {
		if strings.Contains(line, transientLine) && strings.Contains(line, want) {
			o.t.Logf("the builder said: %s", line)
			return
		}
	}
	o.t.Errorf("no builder logged %q for a failure saying %q", transientLine, want)
}

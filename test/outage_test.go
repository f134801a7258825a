package test

import (
	"errors"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/faults"
)

// outageAtLeast is how long Postgres and NATS stay down: two heartbeats
// of the builders, so that the builds in flight meet the outage, and far
// less than the attempts of a build span (retryWaits).
const outageAtLeast = 2 * outageHeartbeat

// faultPushes deliveries go to the webhook while Postgres or NATS goes
// down and comes back, one every pushEvery: the first before the fault,
// the last after it.
const (
	faultPushes = 6
	pushEvery   = (outageAtLeast + outageAtLeast/2) / (faultPushes - 1)
)

// TestOutagePostgresRestart: a private Postgres is restarted while
// builds run and deliveries come in. Meanwhile the webhook answers 503
// with Retry-After and is not ready; afterwards every push it accepted,
// and every push it refused and GitHub redelivered, ends as a successful
// build, and a redelivery of a finished build's delivery builds nothing
// again.
func TestOutagePostgresRestart(t *testing.T) {
	pg, err := faults.StartPostgres(t)
	requireStarted(t, "private postgres", err, errors.Is(err, faults.ErrNoPostgres))
	o := newOutage(t, "postgres-restart")
	o.start(2, "OFC_DATABASE_URL="+pg.URL())
	for range 2 {
		o.pushAccepted()
	}
	o.waitTicking()

	delivered := o.pushThroughFault(faultPushes, pushEvery)
	// The first delivery goes in while the service is up.
	holdUntil(time.Now().Add(pushEvery / 2))
	o.faultBegins()
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	o.requireUnready()
	holdUntil(o.down.Add(outageAtLeast))
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	o.faultEnds()
	delivered()

	o.redeliverRefused()
	builds := o.settle()
	o.report(builds)
	o.redeliverBuildsOnce(o.pushes[0])
}

// TestOutageNATSRestart: the private NATS server that carries the build
// requests (JetStream on file storage) is killed while builds run,
// requests wait in the stream and deliveries come in, then started again
// on its store. Meanwhile the webhook answers 503 with Retry-After and
// is not ready; afterwards nothing it accepted is lost, and a redelivery
// builds once.
func TestOutageNATSRestart(t *testing.T) {
	ns, err := faults.StartNATS(t, natsdBinary(t))
	requireStarted(t, "private natsd", err, false)
	o := newOutage(t, "nats-restart")
	o.start(2, "OFC_NATS_URL="+ns.URL())
	// More pushes than builders: some requests wait in the stream when
	// the server goes.
	for range 4 {
		o.pushAccepted()
	}
	o.waitTicking()

	delivered := o.pushThroughFault(faultPushes, pushEvery)
	// The first delivery goes in while the service is up.
	holdUntil(time.Now().Add(pushEvery / 2))
	o.faultBegins()
	ns.Kill()
	o.requireUnready()
	holdUntil(o.down.Add(outageAtLeast))
	if err := ns.Start(); err != nil {
		t.Fatal(err)
	}
	o.faultEnds()
	delivered()

	o.redeliverRefused()
	builds := o.settle()
	o.report(builds)
	o.redeliverBuildsOnce(o.pushes[0])
}

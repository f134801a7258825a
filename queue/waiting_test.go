package queue

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// A request is waiting until a builder takes it; one whose deliveries ran
// out without an ack is not, and Requeue gives it a fresh start.
func TestWaitingAndRequeue(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Connect(ctx, Config{URL: startNATS(t), MaxDeliver: 1, AckWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	waiting := func(id int64) bool {
		t.Helper()
		w, err := q.Waiting(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if waiting(8) {
		t.Error("a build never published is waiting")
	}
	if err := q.Publish(ctx, request(8, "d-8")); err != nil {
		t.Fatal(err)
	}
	if !waiting(8) {
		t.Error("a request no builder took is not waiting")
	}

	// Taken and dropped on the floor: its one delivery is spent.
	deliveries := make(chan pipeline.Delivery, 4)
	cctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = q.Consume(cctx, slog.Default(), func(_ context.Context, d pipeline.Delivery) { deliveries <- d })
	}()
	first := <-deliveries
	if waiting(8) {
		t.Error("a delivered, unsettled request is waiting")
	}

	if err := q.Requeue(ctx, first.Request(), 1); err != nil {
		t.Fatal(err)
	}
	second := <-deliveries
	if n, _ := second.Attempt(); n != 1 || second.Request().BuildID != 8 {
		t.Errorf("requeued delivery: build %d attempt %d, want build 8 attempt 1", second.Request().BuildID, n)
	}
	if err := second.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	stop()
	<-done
	if n := streamMsgs(t, q); n != 0 {
		t.Errorf("%d requests left in the stream, want the old one removed and the new one acked", n)
	}
}

package queue

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/ofcbuild/ofc/pipeline"
)

// startNATS runs a real JetStream server in the test process.
func startNATS(t *testing.T) string {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server did not start")
	}
	t.Cleanup(s.Shutdown)
	return s.ClientURL()
}

func request(id int64, delivery string) pipeline.BuildRequest {
	return pipeline.BuildRequest{BuildID: id, Event: pipeline.Event{
		DeliveryID: delivery, Kind: pipeline.Push, Commit: "abc",
		Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: "o", Name: "r"},
	}}
}

func TestRedeliveredWebhookIsQueuedOnce(t *testing.T) {
	ctx := context.Background()
	q, err := Connect(ctx, Config{URL: startNATS(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for range 3 {
		if err := q.Publish(ctx, request(1, "delivery-1")); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Publish(ctx, request(2, "delivery-2")); err != nil {
		t.Fatal(err)
	}
	if got := streamMsgs(t, q); got != 2 {
		t.Fatalf("stream holds %d messages, want 2 (one per delivery)", got)
	}
}

func TestNakRedeliversAndAckRemoves(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Connect(ctx, Config{URL: startNATS(t), MaxDeliver: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.Publish(ctx, request(7, "d-7")); err != nil {
		t.Fatal(err)
	}

	var attempts []int
	cctx, stop := context.WithCancel(ctx)
	err = q.Consume(cctx, slog.Default(), func(ctx context.Context, d pipeline.Delivery) {
		if d.Request().BuildID != 7 {
			t.Errorf("build id %d, want 7", d.Request().BuildID)
		}
		n, max := d.Attempt()
		attempts = append(attempts, n)
		if max != 3 {
			t.Errorf("max attempts %d, want 3", max)
		}
		if n == 1 {
			if err := d.Nak(ctx, 10*time.Millisecond); err != nil {
				t.Error(err)
			}
			return
		}
		if err := d.Ack(ctx); err != nil {
			t.Error(err)
		}
		stop()
	})
	if err != context.Canceled {
		t.Fatalf("consume ended with %v", err)
	}
	if len(attempts) != 2 || attempts[0] != 1 || attempts[1] != 2 {
		t.Fatalf("attempts %v, want [1 2]", attempts)
	}
	if err := q.Ready(ctx); err != nil {
		t.Fatalf("ready: %v", err)
	}
}

func TestPublishFailsWhenTheStreamIsGone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q, err := Connect(ctx, Config{URL: startNATS(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.js.DeleteStream(ctx, q.cfg.Stream); err != nil {
		t.Fatal(err)
	}
	if err := q.Publish(ctx, request(1, "d-1")); err == nil {
		t.Fatal("Publish() = nil with no stream to store the request")
	}
}

func TestConcurrentPublishesAreEachAcknowledged(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Connect(ctx, Config{URL: startNATS(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	const n = 200
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- q.Publish(ctx, request(int64(i), fmt.Sprintf("d-%d", i%50))) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := streamMsgs(t, q); got != 50 {
		t.Fatalf("stream holds %d messages, want 50 (one per delivery)", got)
	}
}

// streamMsgs is how many requests the build stream holds.
func streamMsgs(t *testing.T, q *Queue) uint64 {
	t.Helper()
	ctx := context.Background()
	st, err := q.js.Stream(ctx, q.cfg.Stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

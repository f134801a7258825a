package queue

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ofcbuild/ofc/pipeline"
)

// A stream and consumer made by an earlier version, which published every
// request on the one subject, are taken over: the request left on the old
// subject is still delivered, and so are new ones on their own subjects.
func TestAStreamOfAnEarlierVersionKeepsItsRequests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := startNATS(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "OFC_BUILDS", Subjects: []string{"ofc.builds"},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateConsumer(ctx, "OFC_BUILDS", jetstream.ConsumerConfig{Durable: "builders",
		AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "ofc.builds"}); err != nil {
		t.Fatal(err)
	}
	old, _ := json.Marshal(request(1, "d-old"))
	if _, err := js.Publish(ctx, "ofc.builds", old); err != nil {
		t.Fatal(err)
	}

	q, err := Connect(ctx, Config{URL: url})
	if err != nil {
		t.Fatalf("connect over the earlier version's stream: %v", err)
	}
	defer q.Close()
	if err := q.Publish(ctx, request(2, "d-new")); err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	cctx, stop := context.WithCancel(ctx)
	err = q.Consume(cctx, slog.Default(), func(ctx context.Context, d pipeline.Delivery) {
		got[d.Request().BuildID] = true
		if err := d.Ack(ctx); err != nil {
			t.Error(err)
		}
		if len(got) == 2 {
			stop()
		}
	})
	if err != context.Canceled || !got[1] || !got[2] {
		t.Fatalf("consumed %v (%v), want the old request and the new one", got, err)
	}
}

package queue

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// A consumer with room for two works on two requests at once, never a
// third, and returns only once both handlers have.
func TestConsumeRunsUpToConcurrencyAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Connect(ctx, Config{URL: startNATS(t), MaxDeliver: 3, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for i := range 3 {
		if err := q.Publish(ctx, request(int64(i+1), fmt.Sprintf("d-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	running, most := 0, 0
	started := make(chan int64, 3)
	release := make(chan struct{})
	done := make(chan struct{}, 3)
	cctx, stop := context.WithCancel(ctx)
	consumed := make(chan error, 1)
	go func() {
		consumed <- q.Consume(cctx, slog.Default(), func(ctx context.Context, d pipeline.Delivery) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			started <- d.Request().BuildID
			<-release
			// As the runner settles: on a context of its own, which the
			// consumer stopping does not end.
			if err := d.Ack(context.Background()); err != nil {
				t.Error(err)
			}
			mu.Lock()
			running--
			mu.Unlock()
			done <- struct{}{}
		})
	}()
	<-started
	<-started
	select {
	case id := <-started:
		t.Fatalf("request %d started while two ran", id)
	case <-time.After(300 * time.Millisecond):
		// A third would have started by now: Next answers at once when a
		// request waits. Not a timing assumption of the result.
	}
	release <- struct{}{}
	<-done
	<-started // the third, once one finished
	stop()
	close(release)
	if err := <-consumed; err != context.Canceled {
		t.Fatalf("consume ended with %v", err)
	}
	if len(done) != 2 {
		t.Errorf("consume returned with %d of its handlers still running", 2-len(done))
	}
	if most != 2 {
		t.Errorf("at most %d ran at once, want 2", most)
	}
}

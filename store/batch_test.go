package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedRun is a batch function that doubles its inputs, remembers the
// batches it saw, and holds each batch until the test lets it go.
type gatedRun struct {
	mu      sync.Mutex
	batches [][]int
	started chan []int
	release chan error
}

func newGatedRun() *gatedRun {
	return &gatedRun{started: make(chan []int, 100), release: make(chan error)}
}

func (g *gatedRun) run(ctx context.Context, in []int) ([]int, error) {
	g.mu.Lock()
	g.batches = append(g.batches, append([]int(nil), in...))
	g.mu.Unlock()
	g.started <- in
	if err := <-g.release; err != nil {
		return nil, err
	}
	out := make([]int, len(in))
	for i, v := range in {
		out[i] = 2 * v
	}
	return out, nil
}

type outcome struct {
	v   int
	err error
}

// start calls b.do(ctx, v) in a goroutine and returns where its result
// will arrive.
func start(ctx context.Context, b *batcher[int, int], v int) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		out, err := b.do(ctx, v)
		ch <- outcome{out, err}
	}()
	return ch
}

// waitPending waits until n calls wait for a batch.
func waitPending(t *testing.T, b *batcher[int, int], n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		got := len(b.pending)
		b.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("%d calls never came to wait", n)
}

func TestBatcherGathersCallsThatArriveWhileABatchRuns(t *testing.T) {
	g := newGatedRun()
	b := &batcher[int, int]{run: g.run, maxItems: 3, maxRuns: 1}
	ctx := context.Background()

	first := start(ctx, b, 1)
	<-g.started
	var later []<-chan outcome
	for v := 2; v <= 6; v++ {
		later = append(later, start(ctx, b, v))
	}
	waitPending(t, b, 5)

	g.release <- nil // the batch of 1
	if got := <-g.started; len(got) != 3 {
		t.Fatalf("second batch = %v, want the 3 that fit", got)
	}
	g.release <- nil
	if got := <-g.started; len(got) != 2 {
		t.Fatalf("third batch = %v, want the other 2", got)
	}
	g.release <- nil

	if o := <-first; o.err != nil || o.v != 2 {
		t.Errorf("call 1 = %d, %v; want 2", o.v, o.err)
	}
	for i, ch := range later {
		v := i + 2
		if o := <-ch; o.err != nil || o.v != 2*v {
			t.Errorf("call %d = %d, %v; want %d", v, o.v, o.err, 2*v)
		}
	}
	if len(g.batches) != 3 {
		t.Errorf("%d batches run, want 3: %v", len(g.batches), g.batches)
	}
}

func TestBatcherManyConcurrentCallers(t *testing.T) {
	var running, most, batches atomic.Int64
	run := func(_ context.Context, in []int) ([]int, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		batches.Add(1)
		time.Sleep(time.Millisecond)
		out := make([]int, len(in))
		for i, v := range in {
			out[i] = -v
		}
		return out, nil
	}
	b := &batcher[int, int]{run: run, maxItems: 16, maxRuns: 2}
	const callers = 200
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for v := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := b.do(context.Background(), v)
			if err == nil && got != -v {
				err = errors.New("a caller got another caller's result")
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if most.Load() > 2 {
		t.Errorf("%d batches ran at once, want at most 2", most.Load())
	}
	if batches.Load() >= callers {
		t.Errorf("%d batches for %d callers: calls were not gathered", batches.Load(), callers)
	}
	// The last batch gives its slot back just after its callers return.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		running, pending := b.running, len(b.pending)
		b.mu.Unlock()
		if running == 0 && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the calls: %d running, %d pending", running, pending)
		}
	}
}

func TestBatcherErrorFailsEveryCallOfItsBatchOnly(t *testing.T) {
	g := newGatedRun()
	b := &batcher[int, int]{run: g.run, maxItems: 10, maxRuns: 1}
	ctx := context.Background()

	first := start(ctx, b, 1)
	<-g.started
	second, third := start(ctx, b, 2), start(ctx, b, 3)
	waitPending(t, b, 2)
	g.release <- nil
	<-g.started
	broken := errors.New("connection reset")
	g.release <- broken

	if o := <-first; o.err != nil || o.v != 2 {
		t.Errorf("call of the good batch = %d, %v", o.v, o.err)
	}
	for _, ch := range []<-chan outcome{second, third} {
		if o := <-ch; !errors.Is(o.err, broken) {
			t.Errorf("call of the failed batch = %d, %v; want its error", o.v, o.err)
		}
	}
}

func TestBatcherCallerThatGivesUp(t *testing.T) {
	g := newGatedRun()
	b := &batcher[int, int]{run: g.run, maxItems: 10, maxRuns: 1}
	bg := context.Background()
	first := start(bg, b, 0)
	<-g.started

	// Gives up while its batch runs: it returns at once, and the other
	// call of the batch still gets its result.
	running, cancelRunning := context.WithCancel(bg)
	gaveUp, stays := start(running, b, 1), start(bg, b, 2)
	waitPending(t, b, 2)
	g.release <- nil
	if got := <-g.started; len(got) != 2 {
		t.Fatalf("batch = %v, want both calls", got)
	}
	cancelRunning()
	if o := <-gaveUp; !errors.Is(o.err, context.Canceled) {
		t.Fatalf("call cancelled while its batch runs = %d, %v; want context.Canceled", o.v, o.err)
	}

	// Gives up while waiting for a batch: it is left out of it.
	waiting, cancelWaiting := context.WithCancel(bg)
	leftOut, next := start(waiting, b, 3), start(bg, b, 4)
	waitPending(t, b, 2)
	cancelWaiting()
	if o := <-leftOut; !errors.Is(o.err, context.Canceled) {
		t.Fatalf("call cancelled while waiting = %d, %v; want context.Canceled", o.v, o.err)
	}

	g.release <- nil
	if o := <-stays; o.err != nil || o.v != 4 {
		t.Fatalf("call batched with a cancelled one = %d, %v", o.v, o.err)
	}
	if got := <-g.started; len(got) != 1 || got[0] != 4 {
		t.Fatalf("next batch = %v, want only the call still waiting", got)
	}
	g.release <- nil
	if o := <-next; o.err != nil || o.v != 8 {
		t.Fatalf("call after a cancelled one = %d, %v", o.v, o.err)
	}
	if o := <-first; o.err != nil {
		t.Fatal(o.err)
	}
}

func TestBatcherRunIsNotCancelledWithItsCaller(t *testing.T) {
	runCtx := make(chan context.Context, 1)
	release := make(chan struct{})
	b := &batcher[int, int]{maxItems: 1, maxRuns: 1, timeout: time.Minute,
		run: func(ctx context.Context, in []int) ([]int, error) {
			runCtx <- ctx
			<-release
			return in, nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := start(ctx, b, 1)
	got := <-runCtx
	cancel()
	<-done
	if got.Err() != nil {
		t.Errorf("batch context ended with its caller's: %v", got.Err())
	}
	if _, ok := got.Deadline(); !ok {
		t.Error("batch context has no deadline")
	}
	close(release)
}

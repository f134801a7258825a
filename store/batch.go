package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// batcher runs concurrent calls of one kind together: it collects the
// calls that arrive while earlier ones are being run, and runs them as one
// batch, so that N callers share one round trip and one commit instead of
// queueing for N.
//
// A batch starts as soon as a run slot is free, without waiting for more
// calls: under light load every call runs alone at once, and under heavy
// load calls pile up while the slots are busy and leave together. Batches
// thus grow with the load on their own, and no call ever waits for a timer.
//
// No goroutine runs while there is nothing to do, so a batcher needs no
// closing.
type batcher[In, Out any] struct {
	// run runs one batch and returns one result per input, in order. An
	// error fails every call of the batch. ctx is not any caller's: a
	// caller that gives up does not cancel the others.
	run func(ctx context.Context, in []In) ([]Out, error)
	// maxItems bounds a batch.
	maxItems int
	// maxRuns bounds the batches run at once.
	maxRuns int
	// timeout bounds one run, which no caller can cancel; zero is none.
	timeout time.Duration

	mu      sync.Mutex
	pending []*call[In, Out]
	running int
}

// call is one caller's input and, once done is closed, its result.
type call[In, Out any] struct {
	ctx  context.Context
	in   In
	out  Out
	err  error
	done chan struct{}
}

// do runs in within a batch and returns its result. When ctx ends first it
// returns ctx's error; the batch may still have run in.
func (b *batcher[In, Out]) do(ctx context.Context, in In) (Out, error) {
	c := &call[In, Out]{ctx: ctx, in: in, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, c)
	if b.running < b.maxRuns {
		b.running++
		go b.loop(b.takeLocked())
	}
	b.mu.Unlock()

	select {
	case <-c.done:
		return c.out, c.err
	case <-ctx.Done():
		var zero Out
		return zero, ctx.Err()
	}
}

// takeLocked removes the next batch from pending.
func (b *batcher[In, Out]) takeLocked() []*call[In, Out] {
	n := min(len(b.pending), b.maxItems)
	batch := make([]*call[In, Out], n)
	copy(batch, b.pending)
	// Shift rather than reslice, so the backing array does not grow for
	// ever under steady load.
	rest := copy(b.pending, b.pending[n:])
	clear(b.pending[rest:])
	b.pending = b.pending[:rest]
	return batch
}

// loop runs batch, then whatever piled up meanwhile, and gives its slot
// back when nothing is left.
func (b *batcher[In, Out]) loop(batch []*call[In, Out]) {
	for {
		b.runBatch(batch)
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		batch = b.takeLocked()
		b.mu.Unlock()
	}
}

// runBatch runs the calls whose callers still wait and hands each its
// result.
func (b *batcher[In, Out]) runBatch(batch []*call[In, Out]) {
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	in := make([]In, len(live))
	for i, c := range live {
		in[i] = c.in
	}
	// The batch outlives any one caller, but keeps the first one's values
	// (trace ids and the like).
	ctx := context.WithoutCancel(live[0].ctx)
	if b.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.timeout)
		defer cancel()
	}
	out, err := b.run(ctx, in)
	if err == nil && len(out) != len(in) {
		err = fmt.Errorf("batch of %d returned %d results", len(in), len(out))
	}
	for i, c := range live {
		if err != nil {
			c.err = err
		} else {
			c.out = out[i]
		}
		close(c.done)
	}
}

package pipeline

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A build that asks for a slot while another holds them all gets the next
// one freed, ahead of the big build's further functions.
func TestFairSlotsGoToTheBuildHoldingFewest(t *testing.T) {
	s := newFairSlots(2)
	ctx := context.Background()
	noWait := func() { t.Error("waited with a slot free") }
	for range 2 {
		if err := s.acquire(ctx, 1, noWait); err != nil {
			t.Fatal(err)
		}
	}
	order := make(chan int64, 3)
	waiting := make(chan struct{}, 3)
	ask := func(key int64) {
		go func() {
			if err := s.acquire(ctx, key, func() { waiting <- struct{}{} }); err == nil {
				order <- key
			}
		}()
		<-waiting // queued before the next one asks
	}
	ask(1) // the big build's third function
	ask(1) // its fourth
	ask(2) // a one-function push, last in line
	s.release(1)
	if got := <-order; got != 2 {
		t.Fatalf("the freed slot went to build %d, want the push (2)", got)
	}
	s.release(1)
	if got := <-order; got != 1 {
		t.Fatalf("the next slot went to build %d, want 1", got)
	}
	s.release(2)
	if got := <-order; got != 1 {
		t.Fatalf("the last slot went to build %d, want 1", got)
	}
}

// A wait ends with its context, and leaves the slots as they were.
func TestFairSlotsWaitEndsWithItsContext(t *testing.T) {
	s := newFairSlots(1)
	if err := s.acquire(context.Background(), 1, func() {}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.acquire(ctx, 2, func() {}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire = %v, want the deadline", err)
	}
	s.release(1)
	if err := s.acquire(context.Background(), 3, func() { t.Error("waited for a free slot") }); err != nil {
		t.Fatal(err)
	}
}

package pipeline

import (
	"context"
	"sync"
)

// fairSlots shares a fixed number of build slots among the builds one
// runner works on at once, fairly: a freed slot goes to the waiting build
// that holds the fewest, the one that waited longest among equals. A
// stack of forty functions then takes its turns beside a one-function
// push instead of ahead of it. Safe for concurrent use.
type fairSlots struct {
	mu      sync.Mutex
	free    int
	held    map[int64]int
	waiting []*slotWaiter
}

type slotWaiter struct {
	key   int64
	ready chan struct{}
}

func newFairSlots(n int) *fairSlots {
	if n < 1 {
		n = 1
	}
	return &fairSlots{free: n, held: map[int64]int{}}
}

// acquire takes a slot for build key, waiting for one while ctx lasts,
// after calling onWait when it has to. The slot is given back with
// release(key).
func (s *fairSlots) acquire(ctx context.Context, key int64, onWait func()) error {
	s.mu.Lock()
	if s.free > 0 && len(s.waiting) == 0 {
		s.free--
		s.held[key]++
		s.mu.Unlock()
		return nil
	}
	w := &slotWaiter{key: key, ready: make(chan struct{})}
	s.waiting = append(s.waiting, w)
	s.mu.Unlock()
	onWait()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-w.ready:
			// Granted as ctx ended: hand it on.
			s.releaseLocked(key)
		default:
			s.remove(w)
		}
		return context.Cause(ctx)
	}
}

// release gives back a slot build key holds.
func (s *fairSlots) release(key int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.releaseLocked(key)
}

func (s *fairSlots) releaseLocked(key int64) {
	if s.held[key]--; s.held[key] <= 0 {
		delete(s.held, key)
	}
	s.free++
	s.grant()
}

// grant hands free slots to waiters, each time to the waiter whose build
// holds the fewest.
func (s *fairSlots) grant() {
	for s.free > 0 && len(s.waiting) > 0 {
		best := 0
		for i, w := range s.waiting {
			if s.held[w.key] < s.held[s.waiting[best].key] {
				best = i
			}
		}
		w := s.waiting[best]
		s.remove(w)
		s.free--
		s.held[w.key]++
		close(w.ready)
	}
}

func (s *fairSlots) remove(w *slotWaiter) {
	for i, x := range s.waiting {
		if x == w {
			s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
			return
		}
	}
}

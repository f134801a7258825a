package buildkit

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestParallelBoundsBuilds(t *testing.T) {
	b := &Builder{cfg: Config{Parallel: 1}, slots: make(chan struct{}, 1)}
	var log bytes.Buffer
	if err := b.acquire(context.Background(), &log); err != nil || log.Len() != 0 {
		t.Fatalf("first build waits: %v, log %q", err, log.String())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.acquire(ctx, &log); err == nil {
		t.Fatal("second build ran while the first held the only slot")
	}
	if !strings.Contains(log.String(), "waiting for a free build slot") {
		t.Errorf("a waiting build does not say so: %q", log.String())
	}

	b.release()
	if err := b.acquire(context.Background(), &log); err != nil {
		t.Fatalf("slot not given back: %v", err)
	}
}

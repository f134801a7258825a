package deploy

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func status(replicas, available int) reply {
	return reply{http.StatusOK, `{"name":"fn","image":"` + image + `","replicas":` +
		strconv.Itoa(replicas) + `,"availableReplicas":` + strconv.Itoa(available) + `}`}
}

func TestWaitReady(t *testing.T) {
	tests := []struct {
		name      string
		replies   []reply
		wantErr   string // substring; "" means success
		transient bool
		deadline  bool // the error wraps context.DeadlineExceeded
	}{
		{
			name:    "becomes ready",
			replies: []reply{{http.StatusNotFound, "not found"}, status(1, 0), status(1, 0), status(1, 1)},
		},
		{
			name:     "never ready",
			replies:  []reply{status(1, 0)},
			wantErr:  "wait for fn: 0 of 1 replicas available after ",
			deadline: true,
		},
		{
			name:     "never appears",
			replies:  []reply{{http.StatusNotFound, "function fn not found"}},
			wantErr:  "wait for fn: function not found on the gateway after ",
			deadline: true,
		},
		{
			name:      "gateway failing",
			replies:   []reply{status(1, 0), {http.StatusBadGateway, "provider down"}},
			wantErr:   "gateway said 502: provider down",
			transient: true,
		},
		{
			name:    "bad credentials stop at once",
			replies: []reply{{http.StatusUnauthorized, "invalid credentials"}},
			wantErr: "wait for fn: get function fn: gateway said 401: invalid credentials",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFakeGateway(t, map[string][]reply{"GET /system/function/fn": tt.replies})
			c := g.client(t)
			c.readyTimeout = 300 * time.Millisecond
			err := c.WaitReady(context.Background(), "fn")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("WaitReady: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("WaitReady = %v, want an error containing %q", err, tt.wantErr)
			}
			if got := pipeline.IsTransient(err); got != tt.transient {
				t.Errorf("transient = %v, want %v (%v)", got, tt.transient, err)
			}
			if got := errors.Is(err, context.DeadlineExceeded); got != tt.deadline {
				t.Errorf("wraps DeadlineExceeded = %v, want %v", got, tt.deadline)
			}
		})
	}
}

func TestWaitReadyHonoursContext(t *testing.T) {
	g := newFakeGateway(t, map[string][]reply{"GET /system/function/fn": {status(1, 0)}})
	c := g.client(t)
	c.readyTimeout = time.Hour

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.WaitReady(ctx, "fn")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("WaitReady took %s after its context's deadline", took)
	}
	if err == nil || !strings.Contains(err.Error(), "0 of 1 replicas available") || pipeline.IsTransient(err) {
		t.Errorf("WaitReady = %v, want a permanent error with the replica counts", err)
	}

	// A cancelled (not timed out) context means the service is stopping: retry later.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := c.WaitReady(ctx, "fn"); err == nil || !pipeline.IsTransient(err) {
		t.Errorf("WaitReady after cancel = %v, want a transient error", err)
	}
}

package containerd

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/containerd/containerd/v2/client"
)

// function is the runtime's view of one function: the containers that
// serve it, swapped as a whole so that the proxy never sees half an update.
type function struct {
	name string
	// mu serialises Apply and Remove of this function; the proxy does not
	// take it.
	mu sync.Mutex
	// live holds the serving instances; read without locks by the proxy.
	live atomic.Pointer[[]*instance]
	// next spreads calls over the instances.
	next atomic.Uint64
	// retiring counts the instances being stopped after an update.
	retiring sync.WaitGroup
}

func (f *function) serving() []*instance {
	if p := f.live.Load(); p != nil {
		return *p
	}
	return nil
}

func (f *function) set(ins []*instance) { f.live.Store(&ins) }

// pick chooses the instance for the next call, or nil when none serves.
func (f *function) pick() *instance {
	ins := f.serving()
	if len(ins) == 0 {
		return nil
	}
	return ins[f.next.Add(1)%uint64(len(ins))]
}

// retire stops in once it has finished the calls it is serving, in the
// background, so that an update answers as soon as the new version serves.
func (f *function) retire(r *Runtime, in *instance) {
	f.retiring.Add(1)
	go func() {
		defer f.retiring.Done()
		ctx := r.ns(context.Background())
		in.drain(r.cfg.StopGrace)
		if err := r.stop(ctx, in, r.cfg.StopGrace); err != nil {
			r.log.Warn("stop replaced container", "function", f.name, "container", in.id, "err", err)
		}
	}()
}

// instance is one container of a function.
type instance struct {
	id        string
	config    string // hash of what it was started with
	addr      string // host:port on the bridge
	container client.Container
	// inflight counts the calls the proxy is sending to it.
	inflight atomic.Int64
}

// alive reports whether the container's task is running.
func (in *instance) alive(ctx context.Context) bool {
	task, err := in.container.Task(ctx, nil)
	if err != nil {
		return false
	}
	st, err := task.Status(ctx)
	return err == nil && st.Status == client.Running
}

// drain waits until no call is in flight, for at most max.
func (in *instance) drain(max time.Duration) {
	deadline := time.Now().Add(max)
	for in.inflight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

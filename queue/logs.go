package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"

	"github.com/ofcbuild/ofc/pipeline"
)

// logBuffer is how many batches a follower may fall behind before NATS
// drops some for it; a follower notices the gap in Seq and reads the
// store.
const logBuffer = 256

// logSubject is the core-NATS subject of build id's live log. It hangs off
// the build subject, so services that share a stream share these, and it
// lies outside the stream, which holds the build subject alone: live lines
// are not kept, the store keeps them.
func (q *Queue) logSubject(id int64) string {
	return q.cfg.Subject + ".logs." + strconv.FormatInt(id, 10)
}

// PublishLog sends b to the followers of build id's log, if any. It does
// not wait: a batch nobody follows, or one lost with the connection, costs
// nothing, since the lines are stored before they are published.
func (q *Queue) PublishLog(_ context.Context, id int64, b pipeline.LogBatch) error {
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode log batch of build %d: %w", id, err)
	}
	if err := q.nc.Publish(q.logSubject(id), data); err != nil {
		return fmt.Errorf("publish log of build %d: %w", id, err)
	}
	return nil
}

// FollowLog subscribes to build id's live log until ctx ends. Batches
// come in the order published; a follower that falls far behind misses
// some, which the gap in Seq shows. The channel is closed when ctx ends.
// The subscription is in place when FollowLog returns, so a reader that
// then reads the store misses nothing stored after that.
func (q *Queue) FollowLog(ctx context.Context, id int64) (<-chan pipeline.LogBatch, error) {
	msgs := make(chan *nats.Msg, logBuffer)
	sub, err := q.nc.ChanSubscribe(q.logSubject(id), msgs)
	if err != nil {
		return nil, fmt.Errorf("follow log of build %d: %w", id, err)
	}
	// The subscription must be known to the server before the caller reads
	// the store, or a batch published in between would be missed.
	fctx, cancel := context.WithTimeout(ctx, q.cfg.PublishTimeout)
	defer cancel()
	if err := q.nc.FlushWithContext(fctx); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("follow log of build %d: %w", id, err)
	}
	out := make(chan pipeline.LogBatch, logBuffer)
	go func() {
		defer close(out)
		defer sub.Unsubscribe() //nolint:errcheck // nothing to do about it
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-msgs:
				var b pipeline.LogBatch
				if json.Unmarshal(m.Data, &b) != nil {
					continue
				}
				select {
				case out <- b:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

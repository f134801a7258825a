package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ofcbuild/ofc/pipeline"
)

// Waiting reports whether build id's request is in the stream and not
// yet delivered: a builder will get it in its turn. A request delivered
// and never acked (its builder died, or its deliveries ran out) is not
// waiting, and neither is one that is gone.
func (q *Queue) Waiting(ctx context.Context, id int64) (bool, error) {
	seq, found, err := q.requestSeq(ctx, id)
	if err != nil || !found {
		return false, err
	}
	cons, err := q.js.Consumer(ctx, q.cfg.Stream, q.cfg.Consumer)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return true, nil // no builder has consumed anything yet
	}
	if err != nil {
		return false, fmt.Errorf("request of build %d: consumer %s: %w", id, q.cfg.Consumer, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("request of build %d: consumer %s: %w", id, q.cfg.Consumer, err)
	}
	return seq > info.Delivered.Stream, nil
}

// Requeue puts req on the queue again, as delivery attempt n of the
// reaper, after removing what is left of its earlier request: the new
// one starts with all its deliveries.
func (q *Queue) Requeue(ctx context.Context, req pipeline.BuildRequest, n int) error {
	seq, found, err := q.requestSeq(ctx, req.BuildID)
	if err != nil {
		return err
	}
	if found {
		stream, err := q.js.Stream(ctx, q.cfg.Stream)
		if err != nil {
			return fmt.Errorf("requeue build %d: %w", req.BuildID, err)
		}
		if err := stream.DeleteMsg(ctx, seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("requeue build %d: remove its old request: %w", req.BuildID, err)
		}
	}
	data, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode build request: %w", err)
	}
	return q.publish(ctx, req, data, req.Event.DeliveryID+"/requeued-"+strconv.Itoa(n))
}

// requestSeq finds build id's request in the stream.
func (q *Queue) requestSeq(ctx context.Context, id int64) (uint64, bool, error) {
	stream, err := q.js.Stream(ctx, q.cfg.Stream)
	if err != nil {
		return 0, false, fmt.Errorf("request of build %d: stream %s: %w", id, q.cfg.Stream, err)
	}
	msg, err := stream.GetLastMsgForSubject(ctx, q.cfg.requestSubject(id))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("request of build %d: %w", id, err)
	}
	return msg.Sequence, true, nil
}

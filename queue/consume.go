package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ofcbuild/ofc/pipeline"
)

// Handler takes one delivery and settles it (Ack, Nak or Term).
type Handler func(ctx context.Context, d pipeline.Delivery)

// Consume pulls build requests and hands each to h, at most
// Config.Concurrency at once, until ctx ends; it returns once every h it
// started has returned. A request is pulled only when a handler is free.
// Several processes calling Consume share the work: each request goes to
// one of them. A request that cannot be decoded is terminated.
func (q *Queue) Consume(ctx context.Context, log *slog.Logger, h Handler) error {
	busy := make(chan struct{}, max(q.cfg.Concurrency, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	cons, err := q.js.CreateOrUpdateConsumer(ctx, q.cfg.Stream, jetstream.ConsumerConfig{
		Durable:        q.cfg.Consumer,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        q.cfg.AckWait,
		MaxDeliver:     q.cfg.MaxDeliver,
		MaxAckPending:  -1,
		FilterSubjects: q.cfg.requestSubjects(),
	})
	if err != nil {
		return fmt.Errorf("create consumer %s: %w", q.cfg.Consumer, err)
	}
	for ctx.Err() == nil {
		select {
		case busy <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		// Next rather than a Messages iterator: an iterator prefetches, and
		// a prefetched request would wait here, its AckWait running, while
		// another builder sits idle.
		msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			<-busy
			if errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoMessages) {
				continue
			}
			if ctx.Err() != nil {
				break
			}
			log.Warn("fetch build request", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		d, err := newDelivery(msg, q.cfg.MaxDeliver)
		if err != nil {
			<-busy
			log.Error("drop undecodable build request", "err", err)
			_ = msg.TermWithReason(err.Error())
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-busy; wg.Done() }()
			h(ctx, d)
		}()
	}
	return ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// delivery adapts a JetStream message to pipeline.Delivery.
type delivery struct {
	msg jetstream.Msg
	req pipeline.BuildRequest
	n   int
	max int
}

func newDelivery(msg jetstream.Msg, max int) (*delivery, error) {
	var req pipeline.BuildRequest
	if err := json.Unmarshal(msg.Data(), &req); err != nil {
		return nil, fmt.Errorf("decode build request: %w", err)
	}
	if req.BuildID <= 0 {
		return nil, errors.New("build request without a build id")
	}
	n := 1
	if md, err := msg.Metadata(); err == nil {
		n = int(md.NumDelivered)
	}
	return &delivery{msg: msg, req: req, n: n, max: max}, nil
}

func (d *delivery) Request() pipeline.BuildRequest       { return d.req }
func (d *delivery) Attempt() (int, int)                  { return d.n, d.max }
func (d *delivery) InProgress(ctx context.Context) error { return d.msg.InProgress() }

// Ack waits for the server's confirmation: the final state is stored by
// then, and an unconfirmed ack would mean a needless second build.
func (d *delivery) Ack(ctx context.Context) error { return d.msg.DoubleAck(ctx) }

func (d *delivery) Nak(ctx context.Context, delay time.Duration) error {
	return d.msg.NakWithDelay(delay)
}

func (d *delivery) Term(ctx context.Context, reason string) error {
	return d.msg.TermWithReason(reason)
}

// Package queue carries build requests over NATS JetStream: a durable
// work-queue stream that the webhook publishes to and the builders consume
// from with one shared durable pull consumer.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ofcbuild/ofc/pipeline"
)

// Config names the server, stream and consumer. Zero values get defaults.
type Config struct {
	URL string
	// Stream and Subject of build requests.
	Stream  string
	Subject string
	// Consumer is the durable name all builders share.
	Consumer string
	// Concurrency is how many requests one Consume works on at once (1
	// when 0): the builds one builder runs side by side.
	Concurrency int
	// MaxDeliver bounds the deliveries of one request.
	MaxDeliver int
	// AckWait is how long a delivery may go without Ack or InProgress
	// before it is redelivered.
	AckWait time.Duration
	// DuplicateWindow is how long a delivery id is remembered.
	DuplicateWindow time.Duration
	// Name is the connection's name, shown in the server's monitoring.
	Name string
	// PublishTimeout bounds the wait for JetStream's ack of a publish,
	// whatever the caller's context allows.
	PublishTimeout time.Duration
}

func (c *Config) defaults() {
	if c.Stream == "" {
		c.Stream = "OFC_BUILDS"
	}
	if c.Subject == "" {
		c.Subject = "ofc.builds"
	}
	if c.Consumer == "" {
		c.Consumer = "builders"
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.AckWait <= 0 {
		c.AckWait = time.Minute
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = time.Hour
	}
	if c.PublishTimeout <= 0 {
		c.PublishTimeout = 10 * time.Second
	}
}

// requestSubject is build id's request's subject: one per build, so that
// the request of a build can be found in the stream (see Waiting).
func (c Config) requestSubject(id int64) string {
	return c.Subject + "." + strconv.FormatInt(id, 10)
}

// requestSubjects are the stream's: Subject itself, where earlier
// versions published every request, and one token below it. Live logs
// go two tokens below (Subject.logs.<id>) and stay out of the stream.
func (c Config) requestSubjects() []string { return []string{c.Subject, c.Subject + ".*"} }

// Queue is a connection to JetStream with the build stream in place.
type Queue struct {
	cfg Config
	nc  *nats.Conn
	js  jetstream.JetStream
}

// Connect dials NATS and creates or updates the stream. The connection
// reconnects by itself for as long as the process runs; Ready tells whether
// it is up.
func Connect(ctx context.Context, cfg Config) (*Queue, error) {
	cfg.defaults()
	nc, err := nats.Connect(cfg.URL, nats.Name(cfg.Name), nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(false))
	if err != nil {
		return nil, fmt.Errorf("connect to nats %s: %w", cfg.URL, err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(cfg.PublishTimeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       cfg.Stream,
		Subjects:   cfg.requestSubjects(),
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		Duplicates: cfg.DuplicateWindow,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("create stream %s: %w", cfg.Stream, err)
	}
	return &Queue{cfg: cfg, nc: nc, js: js}, nil
}

// Close drains the connection.
func (q *Queue) Close() { _ = q.nc.Drain() }

// Ready returns nil when the server is reachable and JetStream answers.
func (q *Queue) Ready(ctx context.Context) error {
	if !q.nc.IsConnected() {
		return errors.New("nats: not connected")
	}
	if _, err := q.js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	return nil
}

// Publish implements pipeline.Publisher. The delivery id is the message
// id, so JetStream stores a redelivered webhook once.
//
// Concurrent publishes share the connection without each waiting for the
// ack of the one before: the acks come back on one subscription, and each
// caller waits for its own.
func (q *Queue) Publish(ctx context.Context, req pipeline.BuildRequest) error {
	data, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode build request: %w", err)
	}
	return q.publish(ctx, req, data, req.Event.DeliveryID)
}

// publish puts req, encoded as data, on its build's subject under msgID.
func (q *Queue) publish(ctx context.Context, req pipeline.BuildRequest, data []byte, msgID string) error {
	ack, err := q.js.PublishMsgAsync(&nats.Msg{Subject: q.cfg.requestSubject(req.BuildID), Data: data},
		jetstream.WithMsgID(msgID), jetstream.WithExpectStream(q.cfg.Stream))
	if err != nil {
		return fmt.Errorf("publish build %d: %w", req.BuildID, err)
	}
	select {
	case <-ack.Ok():
		return nil
	case err := <-ack.Err():
		return fmt.Errorf("publish build %d: %w", req.BuildID, err)
	case <-ctx.Done():
		return fmt.Errorf("publish build %d: %w", req.BuildID, ctx.Err())
	}
}

package devstack

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// DeleteStream removes the JetStream stream a run created on the NATS
// server at natsURL, the dev stack's OFC_NATS_URL. The queue package has
// no use for that outside its tests, so it is done on a connection of
// its own.
func DeleteStream(ctx context.Context, natsURL, stream string) error {
	nc, err := nats.Connect(natsURL)
	if err != nil {
		return fmt.Errorf("delete stream %s: %w", stream, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("delete stream %s: %w", stream, err)
	}
	if err := js.DeleteStream(ctx, stream); err != nil {
		return fmt.Errorf("delete stream %s: %w", stream, err)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	bkclient "github.com/moby/buildkit/client"
	"github.com/nats-io/nats.go"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
)

// facts describe the machine and the services the figures were measured
// on.
type facts struct {
	host                       benchdoc.Host
	buildkitd, postgres, natsd string
}

// machineFacts reads the cores, CPU and kernel from the host and each
// service's version from the service.
func machineFacts(ctx context.Context, e env) (facts, error) {
	f := facts{host: benchdoc.ReadHost()}
	bk, err := bkclient.New(ctx, e.buildkit)
	if err != nil {
		return f, fmt.Errorf("connect to buildkitd at %s: %w", e.buildkit, err)
	}
	defer bk.Close()
	info, err := bk.Info(ctx)
	if err != nil {
		return f, fmt.Errorf("buildkitd version: %w", err)
	}
	f.buildkitd = info.BuildkitVersion.Version
	if strings.HasPrefix(f.buildkitd, "v0.0.0") {
		// Built without release flags, as the dev stack builds it from
		// tools/buildkit: the version says nothing.
		f.buildkitd = "built from tools/buildkit (reports " + f.buildkitd + ")"
	}

	conn, err := pgx.Connect(ctx, e.database)
	if err != nil {
		return f, fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&f.postgres); err != nil {
		return f, fmt.Errorf("postgres version: %w", err)
	}

	nc, err := nats.Connect(e.nats)
	if err != nil {
		return f, fmt.Errorf("connect to nats %s: %w", e.nats, err)
	}
	defer nc.Close()
	f.natsd = nc.ConnectedServerVersion()
	return f, nil
}

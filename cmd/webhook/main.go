// Command webhook is the public HTTP endpoint of the build service: it
// takes forge webhooks and queues builds, and serves the JSON API, health
// and metrics.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/hook"
	"github.com/ofcbuild/ofc/internal/logging"
	"github.com/ofcbuild/ofc/queue"
	"github.com/ofcbuild/ofc/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.LookupEnv); err != nil {
		fmt.Fprintln(os.Stderr, "webhook:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, look func(string) (string, bool)) error {
	cfg, err := readConfig(look)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, cfg.LogFormat).With("component", "webhook")

	pool, err := cfg.Postgres(ctx, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := store.New(pool)

	q, err := cfg.Queue(ctx, log, queue.Config{Name: "ofc-webhook"})
	if err != nil {
		return err
	}
	defer q.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	hc := hook.Config{Recorder: st, Publisher: q, Logger: log, Metrics: hook.NewMetrics(reg), Owners: cfg.AllowedOwners, BuildTags: cfg.BuildTags}

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/github", hook.GitHub(hc, []byte(cfg.GitHubSecret)))
	mux.Handle("POST /webhooks/gitlab", hook.GitLab(hc, cfg.GitLabToken))
	if cfg.GitLabToken == "" {
		log.Warn("OFC_GITLAB_WEBHOOK_TOKEN is not set: GitLab deliveries are refused with 503")
	}
	acc, err := mountReadSide(mux, cfg, st, log)
	if err != nil {
		return err
	}
	mountWriteSide(mux, api.WriteConfig{Builds: st, Actions: st, Recorder: st, Publisher: q, Access: acc, Writers: acc, Logger: log})
	mux.HandleFunc("GET /api/builds/{id}/logs", api.BuildLogs(api.LogsConfig{Builds: st, Logs: st, Live: q, Access: acc, Logger: log}))
	mux.HandleFunc("GET /healthz", api.Healthz)
	mux.HandleFunc("GET /readyz", api.Readyz(map[string]api.Check{"postgres": st.Ping, "nats": q.Ready}, cfg.ReadyTimeout))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	srv := &http.Server{Addr: cfg.Addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	owners := cfg.AllowedOwners.String()
	if owners == "" {
		owners = "all owners"
	}
	log.Info("events acted on", "allowed_owners", owners, "tags", cfg.BuildTags)
	log.Info("listening", "addr", cfg.Addr)
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

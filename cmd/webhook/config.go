package main

import (
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// config is everything cmd/webhook reads from the environment; README
// lists each variable with its default.
type config struct {
	Addr          string
	DatabaseURL   string
	NATSURL       string
	QueueStream   string
	QueueSubject  string
	GitHubSecret  string
	ReadyTimeout  time.Duration
	StartupWait   time.Duration
	LogFormat     string
	ShutdownGrace time.Duration
}

func readConfig(look envconfig.Lookup) (config, error) {
	r := envconfig.New(look)
	c := config{
		Addr:          r.String("OFC_WEBHOOK_ADDR", "127.0.0.1:8080"),
		DatabaseURL:   r.String("OFC_DATABASE_URL", "postgres://postgres@127.0.0.1:55432/ofc?sslmode=disable"),
		NATSURL:       r.String("OFC_NATS_URL", "nats://127.0.0.1:54222"),
		QueueStream:   r.String("OFC_QUEUE_STREAM", "OFC_BUILDS"),
		QueueSubject:  r.String("OFC_QUEUE_SUBJECT", "ofc.builds"),
		GitHubSecret:  r.Required("OFC_GITHUB_WEBHOOK_SECRET", "GitHub deliveries are verified with it"),
		ReadyTimeout:  r.Duration("OFC_READY_TIMEOUT", 2*time.Second),
		StartupWait:   r.Duration("OFC_STARTUP_WAIT", 60*time.Second),
		LogFormat:     r.String("OFC_LOG_FORMAT", "json"),
		ShutdownGrace: r.Duration("OFC_SHUTDOWN_GRACE", 10*time.Second),
	}
	return c, r.Err()
}

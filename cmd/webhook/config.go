package main

import (
	"time"

	"github.com/ofcbuild/ofc/hook"
	"github.com/ofcbuild/ofc/internal/boot"
	"github.com/ofcbuild/ofc/internal/envconfig"
)

// config is everything cmd/webhook reads from the environment; README
// lists each variable with its default.
type config struct {
	boot.Shared
	Addr         string
	GitHubSecret string
	// GitLabToken is the secret token of GitLab webhooks; empty refuses
	// every GitLab delivery.
	GitLabToken   string
	AllowedOwners hook.Owners
	ReadyTimeout  time.Duration
	ShutdownGrace time.Duration
}

func readConfig(look envconfig.Lookup) (config, error) {
	r := envconfig.New(look)
	c := config{
		Shared:        boot.ReadShared(r),
		Addr:          r.String("OFC_WEBHOOK_ADDR", "127.0.0.1:8080"),
		GitHubSecret:  r.Required("OFC_GITHUB_WEBHOOK_SECRET", "GitHub deliveries are verified with it"),
		GitLabToken:   r.String("OFC_GITLAB_WEBHOOK_TOKEN", ""),
		AllowedOwners: hook.ParseOwners(r.String("OFC_ALLOWED_OWNERS", "")),
		ReadyTimeout:  r.Duration("OFC_READY_TIMEOUT", 2*time.Second),
		ShutdownGrace: r.Duration("OFC_SHUTDOWN_GRACE", 10*time.Second),
	}
	return c, r.Err()
}

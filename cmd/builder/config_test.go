package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func TestReadConfig(t *testing.T) {
	c, err := readConfig(envconfig.Map(map[string]string{
		"OFC_GATEWAY_PASSWORD": "pw",
		"OFC_WATCHDOG_DIR":     watchdogDir(t),
		"OFC_STACK_FILES":      "acme/mobile=mobile.yml,acme/web=functions/stack.yml",
		"OFC_FORK_PREVIEWS":    "acme/web, Bob",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.StackFile != "stack.yml" || c.StackFiles["acme/mobile"] != "mobile.yml" ||
		c.StackFiles["acme/web"] != "functions/stack.yml" || c.MaxAttempts != 5 || c.Registry != "127.0.0.1:5000" {
		t.Errorf("config %+v", c)
	}
	if !c.ForkPreviews.Match("acme/web") || c.ForkPreviews.Match("acme/mobile") || !c.ForkPreviews.Match("bob/fns") {
		t.Errorf("OFC_FORK_PREVIEWS read as %q", c.ForkPreviews)
	}
	if c.LogRetention != 30*24*time.Hour || c.LogKeepBuilds != 200 {
		t.Errorf("log retention defaults: %s, %d builds", c.LogRetention, c.LogKeepBuilds)
	}
	if c.GitLabAPIURL != "https://gitlab.com/api/v4" || c.GitLabToken != "" {
		t.Errorf("GitLab defaults: %q %q", c.GitLabAPIURL, c.GitLabToken)
	}

	_, err = readConfig(envconfig.Map(map[string]string{"OFC_BUILD_PARALLELISM": "two", "OFC_STACK_FILES": "acme/mobile",
		"OFC_GITHUB_APP_ID": "12", "OFC_BUILD_SECRETS_DIR": "/nonexistent/secrets"}))
	for _, want := range []string{"OFC_GATEWAY_PASSWORD is required", "OFC_BUILD_SECRETS_DIR", "OFC_BUILD_PARALLELISM", "OFC_STACK_FILES", "OFC_GITHUB_APP_PRIVATE_KEY_FILE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestReadConfigStalePreviewJob(t *testing.T) {
	noon := time.Date(2025, 3, 4, 12, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		env      map[string]string
		ttl      time.Duration
		nextRun  time.Time
		errNames string
	}{
		{name: "defaults", ttl: 7 * 24 * time.Hour, nextRun: time.Date(2025, 3, 4, 13, 0, 0, 0, time.UTC)},
		{name: "nightly, one day", env: map[string]string{"OFC_PREVIEW_TTL": "24h", "OFC_CLEANUP_SCHEDULE": "0 3 * * *"},
			ttl: 24 * time.Hour, nextRun: time.Date(2025, 3, 5, 3, 0, 0, 0, time.UTC)},
		{name: "disabled", env: map[string]string{"OFC_PREVIEW_TTL": "0"}, nextRun: time.Date(2025, 3, 4, 13, 0, 0, 0, time.UTC)},
		{name: "every second", env: map[string]string{"OFC_PREVIEW_TTL": "3s", "OFC_CLEANUP_SCHEDULE": "@every 1s"},
			ttl: 3 * time.Second, nextRun: noon.Add(time.Second)},
		{name: "bad schedule", env: map[string]string{"OFC_CLEANUP_SCHEDULE": "every hour"}, errNames: "OFC_CLEANUP_SCHEDULE"},
		{name: "six fields", env: map[string]string{"OFC_CLEANUP_SCHEDULE": "0 0 3 * * *"}, errNames: "OFC_CLEANUP_SCHEDULE"},
		{name: "bad ttl", env: map[string]string{"OFC_PREVIEW_TTL": "a week"}, errNames: "OFC_PREVIEW_TTL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t)}
			for k, v := range tc.env {
				env[k] = v
			}
			c, err := readConfig(envconfig.Map(env))
			if tc.errNames != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errNames) {
					t.Fatalf("error %v does not name %s", err, tc.errNames)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.PreviewTTL != tc.ttl {
				t.Errorf("preview TTL = %v, want %v", c.PreviewTTL, tc.ttl)
			}
			if next := c.CleanupSchedule.Next(noon); !next.Equal(tc.nextRun) {
				t.Errorf("after %v the job runs at %v, want %v", noon, next, tc.nextRun)
			}
		})
	}
}

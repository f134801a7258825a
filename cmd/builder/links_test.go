package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
)

func TestStatusLinkIsSignedForTheBuild(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("0123456789abcdef", 4)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := readConfig(envconfig.Map(map[string]string{"OFC_GATEWAY_PASSWORD": "p", "OFC_WATCHDOG_DIR": watchdogDir(t),
		"OFC_PUBLIC_URL": "https://ofc.example.com/", "OFC_LINK_KEY_FILE": keyFile, "OFC_LINK_TTL": "1h"}))
	if err != nil {
		t.Fatal(err)
	}
	link := statusLink(cfg)(42)
	if !strings.HasPrefix(link, "https://ofc.example.com/builds/42?exp=") || !strings.Contains(link, "&sig=") {
		t.Fatalf("link %q, want the build's page with exp and sig", link)
	}
	// GitLab drops a longer target URL.
	if len(link) > 255 {
		t.Errorf("link of %d characters: %s", len(link), link)
	}
	checker := access.New(access.Config{Links: access.NewSigner(cfg.LinkKey)})
	private := pipeline.Build{ID: 42, Repo: pipeline.Repo{Private: true}}
	if !checker.CanReadBuild(httptest.NewRequest("GET", link, nil), private) {
		t.Error("the webhook, with the same key, refuses the link")
	}
	late := access.New(access.Config{Links: access.NewSigner(cfg.LinkKey), Now: func() time.Time { return time.Now().Add(61 * time.Minute) }})
	if late.CanReadBuild(httptest.NewRequest("GET", link, nil), private) {
		t.Error("the link still opens the build after OFC_LINK_TTL")
	}
}

func TestStatusLinkWithoutKey(t *testing.T) {
	cfg, err := readConfig(envconfig.Map(map[string]string{"OFC_GATEWAY_PASSWORD": "p", "OFC_WATCHDOG_DIR": watchdogDir(t)}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LinkTTL != 30*24*time.Hour {
		t.Errorf("OFC_LINK_TTL defaults to %v, want 30 days", cfg.LinkTTL)
	}
	if got := statusLink(cfg)(7); got != "http://127.0.0.1:8080/builds/7" {
		t.Errorf("link without a key = %q, want the page unsigned", got)
	}
	_, err = readConfig(envconfig.Map(map[string]string{"OFC_GATEWAY_PASSWORD": "p", "OFC_WATCHDOG_DIR": watchdogDir(t), "OFC_LINK_TTL": "0s"}))
	if err == nil || !strings.Contains(err.Error(), "OFC_LINK_TTL") {
		t.Errorf("OFC_LINK_TTL=0: %v, want an error", err)
	}
}

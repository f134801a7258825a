package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func TestReadConfig(t *testing.T) {
	c, err := readConfig(envconfig.Map(map[string]string{"OFC_GITHUB_WEBHOOK_SECRET": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.QueueStream != "OFC_BUILDS" || c.ReadyTimeout != 2*time.Second {
		t.Errorf("defaults: %+v", c)
	}

	_, err = readConfig(envconfig.Map(map[string]string{"OFC_READY_TIMEOUT": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "OFC_GITHUB_WEBHOOK_SECRET is required") ||
		!strings.Contains(err.Error(), `OFC_READY_TIMEOUT="soon"`) {
		t.Errorf("want every bad setting named at once, got %v", err)
	}
}

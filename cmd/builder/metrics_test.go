package main

import (
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func TestReadConfigMetricsAddr(t *testing.T) {
	for setting, want := range map[string]string{
		"":               "127.0.0.1:9101",
		"off":            "",
		"0.0.0.0:9200":   "0.0.0.0:9200",
		"127.0.0.1:0":    "127.0.0.1:0",
		":9101":          ":9101",
		"localhost:9999": "localhost:9999",
	} {
		env := map[string]string{"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t)}
		if setting != "" {
			env["OFC_BUILDER_METRICS_ADDR"] = setting
		}
		c, err := readConfig(envconfig.Map(env))
		if err != nil {
			t.Fatalf("OFC_BUILDER_METRICS_ADDR=%q: %v", setting, err)
		}
		if c.MetricsAddr != want {
			t.Errorf("OFC_BUILDER_METRICS_ADDR=%q read as %q, want %q", setting, c.MetricsAddr, want)
		}
	}
	env := map[string]string{"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t), "OFC_BUILDER_METRICS_ADDR": "9101"}
	if _, err := readConfig(envconfig.Map(env)); err == nil || !strings.Contains(err.Error(), "OFC_BUILDER_METRICS_ADDR") {
		t.Errorf("a port alone: %v", err)
	}
}

package main

import (
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func TestReadConfigLimits(t *testing.T) {
	base := map[string]string{"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t)}
	c, err := readConfig(envconfig.Map(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.CloneTimeout != 5*time.Minute || c.CloneMaxBytes != 1<<30 || c.BuildTimeout != 30*time.Minute {
		t.Errorf("defaults: clone %s, %d bytes; build %s", c.CloneTimeout, c.CloneMaxBytes, c.BuildTimeout)
	}

	base["OFC_CLONE_TIMEOUT"], base["OFC_CLONE_MAX_BYTES"], base["OFC_BUILD_TIMEOUT"] = "90s", "104857600", "1h"
	c, err = readConfig(envconfig.Map(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.CloneTimeout != 90*time.Second || c.CloneMaxBytes != 100<<20 || c.BuildTimeout != time.Hour {
		t.Errorf("set: clone %s, %d bytes; build %s", c.CloneTimeout, c.CloneMaxBytes, c.BuildTimeout)
	}
}

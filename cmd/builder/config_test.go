package main

import (
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func TestReadConfig(t *testing.T) {
	c, err := readConfig(envconfig.Map(map[string]string{
		"OFC_GATEWAY_PASSWORD": "pw",
		"OFC_STACK_FILES":      "acme/mobile=mobile.yml,acme/web=functions/stack.yml",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.StackFile != "stack.yml" || c.StackFiles["acme/mobile"] != "mobile.yml" ||
		c.StackFiles["acme/web"] != "functions/stack.yml" || c.MaxAttempts != 5 || c.Registry != "127.0.0.1:5000" {
		t.Errorf("config %+v", c)
	}

	_, err = readConfig(envconfig.Map(map[string]string{"OFC_BUILD_PARALLELISM": "two", "OFC_STACK_FILES": "acme/mobile"}))
	for _, want := range []string{"OFC_GATEWAY_PASSWORD is required", "OFC_BUILD_PARALLELISM", "OFC_STACK_FILES"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

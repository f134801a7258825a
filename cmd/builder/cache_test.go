package main

import (
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/registry"
)

func TestReadConfigBuildCache(t *testing.T) {
	reg, err := registry.New(registry.Config{Host: "127.0.0.1:5000"})
	if err != nil {
		t.Fatal(err)
	}
	image := reg.Ref("acme", "shop", "api", "0123456789abcdef0123456789abcdef01234567")
	for setting, want := range map[string]string{
		"":                           "127.0.0.1:5000/acme/shop/api:buildcache",
		"registry":                   "127.0.0.1:5000/acme/shop/api:buildcache",
		"off":                        "",
		"registry.example.com/cache": "registry.example.com/cache/acme/shop/api:buildcache",
	} {
		env := map[string]string{"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t)}
		if setting != "" {
			env["OFC_BUILD_CACHE"] = setting
		}
		c, err := readConfig(envconfig.Map(env))
		if err != nil {
			t.Fatalf("OFC_BUILD_CACHE=%q: %v", setting, err)
		}
		got := ""
		if ref := c.cacheRef(reg); ref != nil {
			got = ref(image)
		}
		if got != want {
			t.Errorf("OFC_BUILD_CACHE=%q: cache of %s at %q, want %q", setting, image, got, want)
		}
	}
	for _, bad := range []string{"yes", "Registry.Example.com/Cache", "cache here/x"} {
		env := map[string]string{"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t), "OFC_BUILD_CACHE": bad}
		if _, err := readConfig(envconfig.Map(env)); err == nil || !strings.Contains(err.Error(), "OFC_BUILD_CACHE") {
			t.Errorf("OFC_BUILD_CACHE=%q: %v, want it refused", bad, err)
		}
	}
}

package main

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/registry"
)

// cacheSettings say where the build cache every builder shares is kept,
// and how many builds a builder works on at once.
type cacheSettings struct {
	// BuildCache is "registry" (beside each function's images), "off",
	// or a repository holding every function's cache.
	BuildCache string
	// Builds is how many builds one builder works on side by side; their
	// image builds share OFC_BUILD_PARALLELISM slots fairly.
	Builds int
}

func (c *config) readCacheSettings(r *envconfig.Reader) error {
	c.Builds = r.Int("OFC_BUILDS", 2)
	if c.Builds < 1 {
		return fmt.Errorf("OFC_BUILDS=%d: at least 1", c.Builds)
	}
	c.BuildCache = strings.TrimSpace(r.String("OFC_BUILD_CACHE", "registry"))
	if c.BuildCache == "registry" || c.BuildCache == "off" {
		return nil
	}
	if _, err := name.NewRepository(strings.TrimRight(c.BuildCache, "/"), name.StrictValidation); err != nil || !strings.Contains(c.BuildCache, "/") {
		return fmt.Errorf("OFC_BUILD_CACHE=%q: want registry, off, or a repository such as registry.example.com/cache", c.BuildCache)
	}
	return nil
}

// cacheRef is how a function's image names its build cache, nil for none.
func (c *config) cacheRef(reg *registry.Registry) func(image string) string {
	switch c.BuildCache {
	case "off":
		return nil
	case "registry":
		return func(image string) string { return reg.CacheRef("", image) }
	}
	return func(image string) string { return reg.CacheRef(c.BuildCache, image) }
}

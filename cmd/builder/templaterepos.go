package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/ofcbuild/ofc/source"
	"github.com/ofcbuild/ofc/template"
)

// readTemplateRepos parses the installation's template repositories and
// store, and places the cache of fetched templates: a typo in them would
// otherwise show only as builds failing one by one.
func (c *config) readTemplateRepos() error {
	var errs []error
	for _, s := range strings.Split(c.TemplateReposSpec, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		repo, err := template.ParseRepository(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("OFC_TEMPLATE_REPOS: %w", err))
			continue
		}
		c.TemplateRepos = append(c.TemplateRepos, repo)
	}
	if c.TemplateStoreURL != "" {
		if u, err := url.Parse(c.TemplateStoreURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("OFC_TEMPLATE_STORE_URL=%q: not an http(s) URL", c.TemplateStoreURL))
		}
	}
	if c.TemplateRefresh < 0 {
		errs = append(errs, fmt.Errorf("OFC_TEMPLATE_REFRESH=%s: not negative", c.TemplateRefresh))
	}
	if c.TemplateCacheDir == "" {
		base := c.WorkDir
		if base == "" {
			base = os.TempDir()
		}
		c.TemplateCacheDir = filepath.Join(base, "ofc-templates")
	}
	return errors.Join(errs...)
}

// templateSources are the fetcher of template repositories, on git's
// clone settings and credentials, and the template store, nil when the
// installation has none.
func (c *config) templateSources(git *source.Git) (template.Fetcher, template.Store) {
	fetcher := git.Templates(source.TemplateConfig{CacheDir: c.TemplateCacheDir, Refresh: c.TemplateRefresh})
	if c.TemplateStoreURL == "" {
		return fetcher, nil
	}
	return fetcher, source.NewTemplateStore(source.StoreConfig{URL: c.TemplateStoreURL, Refresh: c.TemplateRefresh})
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ofcbuild/ofc/template"
)

// watchdogBinary is the name of the watchdog in each kind's folder, where
// OpenFaaS's images have it: COPY --from=watchdog /fwatchdog.
const watchdogBinary = "fwatchdog"

// readTemplateSettings completes and checks what the templates get from
// the installation: the watchdogs, its own templates, the CA bundle. A builder that lacks
// them would fail every build, so it refuses to start instead.
func (c *config) readTemplateSettings() error {
	var errs []error
	if c.WatchdogDir == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("OFC_WATCHDOG_DIR is unset and the builder's own folder is unknown: %w", err)
		}
		c.WatchdogDir = filepath.Join(filepath.Dir(exe), "watchdog")
	}
	for _, kind := range []string{template.OfWatchdog, template.ClassicWatchdog} {
		bin := filepath.Join(c.WatchdogDir, kind, watchdogBinary)
		st, err := os.Stat(bin)
		if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
			errs = append(errs, fmt.Errorf("OFC_WATCHDOG_DIR=%q: %s is not an executable file (make build puts the watchdogs there)", c.WatchdogDir, bin))
		}
	}
	if c.TemplatesDir != "" {
		if st, err := os.Stat(c.TemplatesDir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("OFC_TEMPLATES_DIR=%q: not a directory", c.TemplatesDir))
		}
	}
	errs = append(errs, c.readTemplateRepos())
	if c.CAFile != "" {
		b, err := os.ReadFile(c.CAFile)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("OFC_BUILD_CA_FILE: %w", err))
		case !bytes.Contains(b, []byte("-----BEGIN CERTIFICATE-----")):
			errs = append(errs, fmt.Errorf("OFC_BUILD_CA_FILE=%q holds no PEM certificate", c.CAFile))
		default:
			c.CABundle = b
		}
	}
	return errors.Join(errs...)
}

// watchdogs are the folders of the service's watchdogs, by kind.
func (c *config) watchdogs() map[string]string {
	return map[string]string{
		template.OfWatchdog:      filepath.Join(c.WatchdogDir, template.OfWatchdog),
		template.ClassicWatchdog: filepath.Join(c.WatchdogDir, template.ClassicWatchdog),
	}
}

// buildArgs are the installation's package registries, under the names
// npm, pip and the go command read them by.
func (c *config) buildArgs() map[string]string {
	args := map[string]string{}
	for name, v := range map[string]string{
		"NPM_CONFIG_REGISTRY": c.NPMRegistry,
		"PIP_INDEX_URL":       c.PipIndexURL,
		"GOPROXY":             c.GoProxy,
	} {
		if v != "" {
			args[name] = v
		}
	}
	return args
}

package main

import (
	"github.com/ofcbuild/ofc/pipeline"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

// watchdogDir lays out a watchdog folder as make build does, with stand-in
// executables.
func watchdogDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, kind := range []string{"of-watchdog", "classic-watchdog"} {
		if err := os.MkdirAll(filepath.Join(dir, kind), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, kind, "fwatchdog"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadTemplateSettings(t *testing.T) {
	dir := watchdogDir(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pem := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	if err := os.WriteFile(ca, []byte(pem), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := readConfig(envconfig.Map(map[string]string{
		"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": dir, "OFC_BUILD_CA_FILE": ca,
		"OFC_NPM_REGISTRY": "https://npm.internal/", "OFC_GOPROXY": "https://goproxy.internal",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.CABundle) != pem {
		t.Errorf("CA bundle = %q", c.CABundle)
	}
	if w := c.watchdogs(); w["of-watchdog"] != filepath.Join(dir, "of-watchdog") || w["classic-watchdog"] != filepath.Join(dir, "classic-watchdog") {
		t.Errorf("watchdogs = %v", w)
	}
	args := c.buildArgs()
	if len(args) != 2 || args["NPM_CONFIG_REGISTRY"] != "https://npm.internal/" || args["GOPROXY"] != "https://goproxy.internal" {
		t.Errorf("build args = %v (an unset registry must not be passed as empty)", args)
	}

	// A builder without its watchdogs, or with a CA file that is not one,
	// would fail every build: it does not start.
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = readConfig(envconfig.Map(map[string]string{
		"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": t.TempDir(), "OFC_BUILD_CA_FILE": notPEM,
		"OFC_TEMPLATES_DIR": filepath.Join(t.TempDir(), "nope"),
	}))
	for _, want := range []string{"of-watchdog/fwatchdog is not an executable file", "classic-watchdog/fwatchdog is not an executable file", "holds no PEM certificate", "OFC_TEMPLATES_DIR"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
}

func TestCloneHosts(t *testing.T) {
	for _, tc := range []struct{ github, gitlab, wantGitHub, wantGitLab string }{
		{"https://api.github.com/", "https://gitlab.com/api/v4", "github.com", "gitlab.com"},
		{"https://ghe.acme.dev/api/v3/", "https://git.acme.dev/api/v4", "ghe.acme.dev", "git.acme.dev"},
		{"http://127.0.0.1:4321/", "http://127.0.0.1:4322/api/v4", "127.0.0.1", "127.0.0.1"},
	} {
		got := cloneHosts(config{GitHubAPIURL: tc.github, GitLabAPIURL: tc.gitlab})
		if got[pipeline.GitHub] != tc.wantGitHub || got[pipeline.GitLab] != tc.wantGitLab {
			t.Errorf("cloneHosts(%s, %s) = %v", tc.github, tc.gitlab, got)
		}
	}
}

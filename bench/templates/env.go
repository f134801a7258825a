package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	bkclient "github.com/moby/buildkit/client"

	"github.com/ofcbuild/ofc/bench/internal/benchdoc"
	"github.com/ofcbuild/ofc/template"
)

// env is what the builds need from the dev stack and the installation,
// read as cmd/builder reads it.
type env struct {
	buildkit, registry string
	// caBundle is OFC_BUILD_CA_FILE's certificates, handed to every
	// build: npm reaches its registry through a TLS proxy here.
	caBundle []byte
	// buildArgs are the installation's package registries, where set.
	buildArgs map[string]string
	// watchdogs are the folders of the service's watchdogs, by kind.
	watchdogs map[string]string
}

func loadEnv(o options) (env, error) {
	e := env{buildkit: os.Getenv("OFC_BUILDKIT_ADDR"), registry: os.Getenv("OFC_REGISTRY"), buildArgs: map[string]string{}}
	if e.buildkit == "" || e.registry == "" {
		return e, errors.New("OFC_BUILDKIT_ADDR and OFC_REGISTRY must be set: run `make up` and `. .dev/env`")
	}
	if file := os.Getenv("OFC_BUILD_CA_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return e, fmt.Errorf("OFC_BUILD_CA_FILE: %w", err)
		}
		if !bytes.Contains(b, []byte("-----BEGIN CERTIFICATE-----")) {
			return e, fmt.Errorf("OFC_BUILD_CA_FILE=%q holds no PEM certificate", file)
		}
		e.caBundle = b
	}
	for arg, name := range map[string]string{"NPM_CONFIG_REGISTRY": "OFC_NPM_REGISTRY", "PIP_INDEX_URL": "OFC_PIP_INDEX_URL", "GOPROXY": "OFC_GOPROXY"} {
		if v := os.Getenv(name); v != "" {
			e.buildArgs[arg] = v
		}
	}
	e.watchdogs = map[string]string{}
	for _, kind := range []string{template.OfWatchdog, template.ClassicWatchdog} {
		dir := filepath.Join(o.watchdogs, kind)
		if st, err := os.Stat(filepath.Join(dir, "fwatchdog")); err != nil || !st.Mode().IsRegular() {
			return e, fmt.Errorf("no watchdog at %s/fwatchdog: run `make build`, or point -watchdogs at its folder", dir)
		}
		e.watchdogs[kind] = dir
	}
	return e, nil
}

// facts describe the machine the figures were measured on.
type facts struct {
	host      benchdoc.Host
	buildkitd string
	// loadStart and loadEnd are the load average when the run began and
	// ended: build times on a few cores move with whatever else builds.
	loadStart, loadEnd string
	// watchdogBytes is the size of the service's of-watchdog binary;
	// every image holds it or the classic one.
	watchdogBytes int64
}

// machineFacts reads the host and buildkitd's version.
func machineFacts(ctx context.Context, addr string) (facts, error) {
	f := facts{host: benchdoc.ReadHost(), loadStart: benchdoc.LoadAverage()}
	c, err := bkclient.New(ctx, addr)
	if err != nil {
		return f, fmt.Errorf("connect to buildkitd at %s: %w", addr, err)
	}
	defer c.Close()
	info, err := c.Info(ctx)
	if err != nil {
		return f, fmt.Errorf("buildkitd version: %w", err)
	}
	f.buildkitd = info.BuildkitVersion.Version
	if strings.HasPrefix(f.buildkitd, "v0.0.0") {
		// Built without release flags, as the dev stack builds it from
		// tools/buildkit: the version says nothing.
		f.buildkitd = "built from tools/buildkit (reports " + f.buildkitd + ")"
	}
	return f, nil
}

// Package fnimage pushes tiny OpenFaaS-style function images to a local
// plain-HTTP registry, so tests of the gateway runtime can deploy real
// containers without running BuildKit.
//
// Every image is the registry's library/busybox:latest plus one small
// layer. Its default command is busybox httpd serving /www on port 8080,
// standing in for a function behind the watchdog: GET / answers
// Image.Answer, /_/health and /_/ready answer "OK", and a few CGI scripts
// under /cgi-bin/ let a test look inside the running container:
//
//	/cgi-bin/echo        method=, query=, x-test= lines, then the request body
//	/cgi-bin/env         the output of env, sorted
//	/cgi-bin/cat?PATH    the file at PATH (the raw query), or "missing"
//	/cgi-bin/write?PATH  "ok" if PATH could be created, else "read-only"
//
// The layer is built in memory with fixed modification times, so the same
// inputs always give the same digest.
package fnimage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// BaseImage is the image, in the given registry, that every image is
// built on. It holds a static busybox with one symlink per applet.
const BaseImage = "library/busybox:latest"

// Port is the TCP port the default command listens on, as the OpenFaaS
// watchdog would.
const Port = 8080

// DefaultCmd returns the command of an image whose Cmd is nil: busybox
// httpd in the foreground, logging requests to stderr, serving /www.
func DefaultCmd() []string {
	return []string{"httpd", "-f", "-v", "-p", fmt.Sprint(Port), "-h", "/www"}
}

// Image describes a function image.
type Image struct {
	// Answer is the body of GET / (the file /www/index.html).
	Answer string
	// Cmd replaces the image's command; nil means DefaultCmd().
	Cmd []string
	// Env holds extra KEY=value entries for the image config. An entry
	// whose key the base already sets (PATH) replaces the base's value.
	Env []string
}

// Push builds img on <registry>/library/busybox:latest, pushes it to
// <registry>/<repo>:<tag> and returns the reference pinned by digest,
// "<registry>/<repo>@sha256:...". The registry is spoken to over plain HTTP.
func Push(ctx context.Context, registry, repo, tag string, img Image) (string, error) {
	target := registry + "/" + repo + ":" + tag
	pinned, err := push(ctx, registry, target, img)
	if err != nil {
		return "", fmt.Errorf("push function image %s: %w", target, err)
	}
	return pinned, nil
}

func push(ctx context.Context, registry, target string, img Image) (string, error) {
	dst, err := name.NewTag(target, name.Insecure, name.StrictValidation)
	if err != nil {
		return "", err
	}
	baseRef, err := name.NewTag(registry+"/"+BaseImage, name.Insecure)
	if err != nil {
		return "", err
	}
	opts := []remote.Option{remote.WithContext(ctx)}

	base, err := remote.Image(baseRef, opts...)
	if err != nil {
		return "", fmt.Errorf("pull base %s: %w", baseRef, err)
	}
	out, err := build(base, img)
	if err != nil {
		return "", fmt.Errorf("build on %s: %w", baseRef, err)
	}
	if err := remote.Write(dst, out, opts...); err != nil {
		return "", err
	}
	digest, err := out.Digest()
	if err != nil {
		return "", err
	}
	return dst.Context().Digest(digest.String()).String(), nil
}

// build appends the function layer to base and sets the config.
func build(base v1.Image, img Image) (v1.Image, error) {
	cf, err := base.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	tarBytes, err := layerTar(img.Answer)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarBytes)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("layer: %w", err)
	}
	withLayer, err := mutate.Append(base, mutate.Addendum{
		Layer: layer,
		// The base's creation time keeps the config, and so the digest,
		// a function of the inputs alone.
		History: v1.History{Created: cf.Created, CreatedBy: "fnimage", Comment: "function files"},
	})
	if err != nil {
		return nil, fmt.Errorf("append layer: %w", err)
	}

	cfg := *cf.Config.DeepCopy()
	cfg.Cmd = DefaultCmd()
	if img.Cmd != nil {
		cfg.Cmd = append([]string(nil), img.Cmd...)
	}
	cfg.Entrypoint = nil
	cfg.Env, err = mergeEnv(cfg.Env, img.Env)
	if err != nil {
		return nil, err
	}
	cfg.ExposedPorts = map[string]struct{}{fmt.Sprintf("%d/tcp", Port): {}}
	out, err := mutate.Config(withLayer, cfg)
	if err != nil {
		return nil, fmt.Errorf("set config: %w", err)
	}
	return out, nil
}

// mergeEnv appends extra to base, replacing in place the entries of base
// whose key extra sets again.
func mergeEnv(base, extra []string) ([]string, error) {
	out := append([]string(nil), base...)
	for _, kv := range extra {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("env entry %q: want KEY=value", kv)
		}
		replaced := false
		for i, old := range out {
			if strings.HasPrefix(old, k+"=") {
				out[i] = kv
				replaced = true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out, nil
}

package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// weight is an image's compressed size as its manifest in the registry
// states it.
type weight struct {
	// bytes is the sum of the layers' sizes: what a node pulls, less the
	// config of a few kB.
	bytes  int64
	layers []v1.Hash
}

// weigh reads ref's manifest from the registry, over plain HTTP. A
// multi-platform index is read for linux on this machine's architecture,
// the platform the builds are for.
func weigh(ctx context.Context, ref string) (weight, error) {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return weight{}, fmt.Errorf("weigh %s: %w", ref, err)
	}
	img, err := remote.Image(r, remote.WithContext(ctx), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: runtime.GOARCH}))
	if err != nil {
		return weight{}, fmt.Errorf("weigh %s: %w", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return weight{}, fmt.Errorf("weigh %s: manifest: %w", ref, err)
	}
	var w weight
	for _, l := range m.Layers {
		w.bytes += l.Size
		w.layers = append(w.layers, l.Digest)
	}
	return w, nil
}

// mirrored is where the dev stack's buildkitd finds an image a Dockerfile
// names: Docker Hub's images in the local registry, which mirrors it
// (node:20-bookworm-slim is 127.0.0.1:5000/library/node:20-bookworm-slim);
// others where they are.
func mirrored(image, registry string) (string, error) {
	r, err := name.ParseReference(image)
	if err != nil {
		return "", fmt.Errorf("base image %q: %w", image, err)
	}
	if r.Context().RegistryStr() != name.DefaultRegistry {
		return r.Name(), nil
	}
	// RepositoryStr holds Docker Hub's implicit library/.
	return registry + "/" + r.Context().RepositoryStr() + delimiter(r) + r.Identifier(), nil
}

func delimiter(r name.Reference) string {
	if _, ok := r.(name.Digest); ok {
		return "@"
	}
	return ":"
}

// sharesBase reports whether img's layers start with all of base's: the
// template's layers sit on its base image, unchanged, so what it adds is
// the difference.
func sharesBase(img, base weight) bool {
	if len(base.layers) > len(img.layers) {
		return false
	}
	for i, l := range base.layers {
		if img.layers[i] != l {
			return false
		}
	}
	return true
}

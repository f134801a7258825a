package localfaas

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// pushRandom pushes a small random image to ref in a plain-HTTP registry
// and returns its digest.
func pushRandom(t *testing.T, ref string) string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img, remote.WithContext(context.Background())); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// memRegistry is go-containerregistry's in-memory registry: the real
// distribution protocol, without the dev stack.
func memRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestRegistryResolver(t *testing.T) {
	reg := memRegistry(t)
	digest := pushRandom(t, reg+"/owner/repo-fn:abc123")
	mirrored := pushRandom(t, reg+"/library/busybox:latest")
	r, err := NewRegistryResolver(RegistryConfig{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		image   string
		want    string
		wantErr error
		msg     string
	}{
		{image: reg + "/owner/repo-fn@" + digest, want: reg + "/owner/repo-fn@" + digest},
		{image: reg + "/owner/repo-fn:abc123", want: reg + "/owner/repo-fn@" + digest},
		{image: reg + "/owner/repo-fn:abc123@" + digest, want: reg + "/owner/repo-fn@" + digest},
		{image: "busybox:latest", want: reg + "/library/busybox@" + mirrored},
		{image: "docker.io/library/busybox", want: reg + "/library/busybox@" + mirrored},
		{
			image:   reg + "/owner/repo-fn@sha256:" + strings.Repeat("0", 64),
			wantErr: ErrImageNotFound,
			msg:     "image " + reg + "/owner/repo-fn@sha256:" + strings.Repeat("0", 64) + " not found in registry",
		},
		{image: reg + "/owner/repo-fn:nope", wantErr: ErrImageNotFound},
		{image: reg + "/owner/never-pushed:abc", wantErr: ErrImageNotFound},
		{image: "alpine:3", wantErr: ErrImageNotFound, msg: "image alpine:3 (looked up as " + reg + "/library/alpine:3) not found in registry"},
		{image: "ghcr.io/owner/fn:1", wantErr: ErrInvalidImage, msg: "registry ghcr.io is not reachable from here"},
		{image: "Not An Image", wantErr: ErrInvalidImage},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			got, err := r.Resolve(context.Background(), tt.image)
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Errorf("Resolve = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Resolve = %q, %v; want %v", got, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestRegistryResolverRegistryDown(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	reg := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	r, err := NewRegistryResolver(RegistryConfig{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Resolve(context.Background(), reg+"/x:1")
	if err == nil || errors.Is(err, ErrImageNotFound) || errors.Is(err, ErrInvalidImage) {
		t.Errorf("Resolve with the registry down = %v, want an error that is not the client's", err)
	}
}

func TestNewRegistryResolverNeedsRegistry(t *testing.T) {
	for _, reg := range []string{"", "http://127.0.0.1:5000", "127.0.0.1:5000/x"} {
		if _, err := NewRegistryResolver(RegistryConfig{Registry: reg}); err == nil {
			t.Errorf("NewRegistryResolver(%q) succeeded, want an error", reg)
		}
	}
}

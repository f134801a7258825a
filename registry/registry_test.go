package registry

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/ofcbuild/ofc/pipeline"
)

func TestExistsTagsDelete(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := New(Config{Host: registryAddr(t), Insecure: true})
	if err != nil {
		t.Fatal(err)
	}

	fn := fmt.Sprintf("fn-%d", time.Now().UnixNano())
	const commit = "3f786850e387550fdab836ed7e6dc881de23001b"
	ref := r.Ref("ofc-test", "registry", fn, commit)
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	dst, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(dst, img, remote.WithContext(ctx)); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}

	digest, ok, err := r.Exists(ctx, ref)
	if err != nil || !ok || digest != want.String() {
		t.Fatalf("Exists(%s) = %q, %v, %v; want %s, true, nil", ref, digest, ok, err, want)
	}
	byDigest := r.Repository("ofc-test", "registry", fn) + "@" + want.String()
	if digest, ok, err := r.Exists(ctx, byDigest); err != nil || !ok || digest != want.String() {
		t.Fatalf("Exists(%s) = %q, %v, %v; want %s, true, nil", byDigest, digest, ok, err, want)
	}
	for _, missing := range []string{
		r.Ref("ofc-test", "registry", fn, "0000000000000000000000000000000000000000"),
		r.Ref("ofc-test", "registry", fn+"-never-pushed", commit),
	} {
		if digest, ok, err := r.Exists(ctx, missing); err != nil || ok {
			t.Errorf("Exists(%s) = %q, %v, %v; want not found and no error", missing, digest, ok, err)
		}
	}

	tags, err := r.Tags(ctx, r.Repository("ofc-test", "registry", fn))
	if err != nil || !slices.Contains(tags, commit) {
		t.Fatalf("Tags = %v, %v; want %s among them", tags, err, commit)
	}
	if tags, err := r.Tags(ctx, r.Repository("ofc-test", "registry", fn+"-never-pushed")); err != nil || len(tags) != 0 {
		t.Errorf("Tags of a missing repository = %v, %v; want none and no error", tags, err)
	}

	if err := r.Delete(ctx, ref); err != nil {
		t.Fatalf("Delete(%s): %v", ref, err)
	}
	if _, ok, err := r.Exists(ctx, ref); err != nil || ok {
		t.Fatalf("after Delete, Exists(%s) = %v, %v; want false, nil", ref, ok, err)
	}
	if err := r.Delete(ctx, ref); err != nil {
		t.Fatalf("second Delete(%s) = %v, want nil", ref, err)
	}
}

func TestUnreachableRegistryIsTransient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Nothing listens on port 1 of the loopback address.
	r, err := New(Config{Host: "127.0.0.1:1", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Exists(ctx, r.Ref("o", "r", "f", "c"))
	if err == nil || !pipeline.IsTransient(err) {
		t.Fatalf("Exists on an unreachable registry = %v, want a transient error", err)
	}
}

func TestExistsRejectsBadReference(t *testing.T) {
	r := newTestRegistry(t, "127.0.0.1:1")
	if _, _, err := r.Exists(context.Background(), "Not A Reference"); err == nil || pipeline.IsTransient(err) {
		t.Fatalf("Exists of a malformed reference = %v, want a permanent error", err)
	}
}

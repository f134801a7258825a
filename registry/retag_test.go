package registry

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/ofcbuild/ofc/pipeline"
)

// An image built for one commit is named for another without a build; one
// that was pruned is reported gone, and nothing is tagged.
func TestRetag(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := New(Config{Host: registryAddr(t), Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	fn := fmt.Sprintf("retag-%d", time.Now().UnixNano())
	first, second := "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	dst, _ := name.ParseReference(r.Ref("ofc-test", "registry", fn, first), name.Insecure)
	if err := remote.Write(dst, img, remote.WithContext(ctx)); err != nil {
		t.Fatal(err)
	}
	pinned := r.Repository("ofc-test", "registry", fn) + "@" + digest.String()

	found, err := r.Retag(ctx, pinned, []string{r.Ref("ofc-test", "registry", fn, second), r.Ref("ofc-test", "registry", fn, "v1.0.0")})
	if err != nil || !found {
		t.Fatalf("Retag = %v, %v", found, err)
	}
	for _, tag := range []string{second, "v1.0.0"} {
		if got, ok, err := r.Exists(ctx, r.Ref("ofc-test", "registry", fn, tag)); err != nil || !ok || got != digest.String() {
			t.Errorf("%s names %q (%v, %v), want %s", tag, got, ok, err, digest)
		}
	}

	if _, err := r.Retag(ctx, pinned, []string{r.Ref("ofc-test", "registry", fn+"-other", second)}); err == nil {
		t.Error("retagged into another repository")
	}
	if err := r.PruneImage(ctx, pipeline.PrunableImage{Image: r.Ref("ofc-test", "registry", fn, first), Digest: digest.String()}); err != nil {
		t.Fatal(err)
	}
	third := r.Ref("ofc-test", "registry", fn, "3333333333333333333333333333333333333333")
	if found, err := r.Retag(ctx, pinned, []string{third}); err != nil || found {
		t.Errorf("Retag of a pruned image = %v, %v; want not found", found, err)
	}
	if _, ok, _ := r.Exists(ctx, third); ok {
		t.Error("a pruned image was tagged")
	}
}

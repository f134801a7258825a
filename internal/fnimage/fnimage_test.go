package fnimage_test

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ofcbuild/ofc/internal/fnimage"
	"github.com/ofcbuild/ofc/internal/testenv"
)

// testRepo holds every image these tests push. Digests depend on the
// inputs only, so reruns add tags, not blobs.
const testRepo = "ofc-test/fnimage"

// registryAddr returns the dev registry, skipping or failing t without it.
func registryAddr(t *testing.T) string {
	t.Helper()
	return testenv.Get(t, "OFC_REGISTRY")
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// pull resolves ref in the plain-HTTP registry.
func pull(t *testing.T, ctx context.Context, ref string) v1.Image {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatalf("parse %s: %v", ref, err)
	}
	img, err := remote.Image(r, remote.WithContext(ctx))
	if err != nil {
		t.Fatalf("resolve %s: %v", ref, err)
	}
	return img
}

func push(t *testing.T, ctx context.Context, reg, tag string, img fnimage.Image) string {
	t.Helper()
	ref, err := fnimage.Push(ctx, reg, testRepo, tag, img)
	if err != nil {
		t.Fatalf("Push %s: %v", tag, err)
	}
	return ref
}

func TestPushResolvesByDigestAndTag(t *testing.T) {
	reg := registryAddr(t)
	ctx := testContext(t)
	ref := push(t, ctx, reg, "resolve", fnimage.Image{Answer: "hello"})

	want := regexp.MustCompile("^" + regexp.QuoteMeta(reg+"/"+testRepo) + "@sha256:[0-9a-f]{64}$")
	if !want.MatchString(ref) {
		t.Fatalf("Push returned %q, want %s", ref, want)
	}
	byDigest, err := pull(t, ctx, ref).Digest()
	if err != nil {
		t.Fatal(err)
	}
	if got := reg + "/" + testRepo + "@" + byDigest.String(); got != ref {
		t.Errorf("image at %s has digest %s", ref, byDigest)
	}
	byTag, err := pull(t, ctx, reg+"/"+testRepo+":resolve").Digest()
	if err != nil {
		t.Fatal(err)
	}
	if byTag != byDigest {
		t.Errorf("tag resolve points at %s, Push returned %s", byTag, byDigest)
	}
}

func TestPushConfig(t *testing.T) {
	reg := registryAddr(t)
	ctx := testContext(t)
	base := pull(t, ctx, reg+"/library/busybox:latest")
	baseCfg, err := base.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	basePath := ""
	for _, kv := range baseCfg.Config.Env {
		if strings.HasPrefix(kv, "PATH=") {
			basePath = kv
		}
	}
	if basePath == "" {
		t.Fatalf("base config sets no PATH: %v", baseCfg.Config.Env)
	}

	tests := []struct {
		name    string
		img     fnimage.Image
		wantCmd []string
		wantEnv []string
	}{
		{
			name:    "default",
			img:     fnimage.Image{Answer: "x", Env: []string{"GREETING=hi", "MODE=test"}},
			wantCmd: []string{"httpd", "-f", "-v", "-p", "8080", "-h", "/www"},
			wantEnv: []string{basePath, "GREETING=hi", "MODE=test"},
		},
		{
			name:    "cmd",
			img:     fnimage.Image{Answer: "x", Cmd: []string{"sleep", "3600"}},
			wantCmd: []string{"sleep", "3600"},
			wantEnv: []string{basePath},
		},
		{
			name:    "path-override",
			img:     fnimage.Image{Answer: "x", Env: []string{"PATH=/bin"}},
			wantCmd: fnimage.DefaultCmd(),
			wantEnv: []string{"PATH=/bin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := push(t, ctx, reg, "config-"+tt.name, tt.img)
			cf, err := pull(t, ctx, ref).ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cf.Config.Cmd, tt.wantCmd) {
				t.Errorf("Cmd = %q, want %q", cf.Config.Cmd, tt.wantCmd)
			}
			if len(cf.Config.Entrypoint) != 0 {
				t.Errorf("Entrypoint = %q, want none", cf.Config.Entrypoint)
			}
			if !slices.Equal(cf.Config.Env, tt.wantEnv) {
				t.Errorf("Env = %q, want %q", cf.Config.Env, tt.wantEnv)
			}
			if _, ok := cf.Config.ExposedPorts["8080/tcp"]; !ok || len(cf.Config.ExposedPorts) != 1 {
				t.Errorf("ExposedPorts = %v, want only 8080/tcp", cf.Config.ExposedPorts)
			}
			if cf.OS != baseCfg.OS || cf.Architecture != baseCfg.Architecture {
				t.Errorf("platform %s/%s, base is %s/%s", cf.OS, cf.Architecture, baseCfg.OS, baseCfg.Architecture)
			}
		})
	}
}

func TestPushLayers(t *testing.T) {
	reg := registryAddr(t)
	ctx := testContext(t)
	ref := push(t, ctx, reg, "layers", fnimage.Image{Answer: "<h1>hello</h1>\n"})
	img := pull(t, ctx, ref)

	baseLayers, err := pull(t, ctx, reg+"/library/busybox:latest").Layers()
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != len(baseLayers)+1 {
		t.Fatalf("%d layers, want the base's %d plus one", len(layers), len(baseLayers))
	}
	for i, bl := range baseLayers {
		want, _ := bl.Digest()
		got, _ := layers[i].Digest()
		if got != want {
			t.Errorf("layer %d is %s, base has %s", i, got, want)
		}
	}

	type file struct {
		mode int64
		dir  bool
		body string
	}
	files := map[string]file{}
	var order []string
	rc, err := layers[len(layers)-1].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read layer: %v", err)
		}
		if hdr.Uid != 0 || hdr.Gid != 0 {
			t.Errorf("%s owned by %d:%d, want 0:0", hdr.Name, hdr.Uid, hdr.Gid)
		}
		if !hdr.ModTime.Equal(time.Unix(0, 0)) {
			t.Errorf("%s mtime %s, want the fixed epoch", hdr.Name, hdr.ModTime)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(hdr.Name, "/")
		order = append(order, name)
		files[name] = file{mode: hdr.Mode, dir: hdr.Typeflag == tar.TypeDir, body: string(body)}
	}

	dirs := []string{"www", "www/_", "www/cgi-bin"}
	for _, d := range dirs {
		if f, ok := files[d]; !ok || !f.dir || f.mode != 0o755 {
			t.Errorf("%s: %+v, want a directory with mode 0755", d, f)
		}
	}
	want := map[string]string{
		"www/index.html": "<h1>hello</h1>\n",
		"www/_/health":   "OK",
		"www/_/ready":    "OK",
	}
	for p, body := range want {
		if f := files[p]; f.dir || f.body != body || f.mode != 0o644 {
			t.Errorf("%s: %+v, want mode 0644 and %q", p, f, body)
		}
	}
	scripts := map[string][]string{
		"www/cgi-bin/echo":  {"method=$REQUEST_METHOD", "query=$QUERY_STRING", "x-test=$HTTP_X_TEST", "$CONTENT_LENGTH"},
		"www/cgi-bin/env":   {"env", "sort"},
		"www/cgi-bin/cat":   {"$QUERY_STRING", "missing"},
		"www/cgi-bin/write": {"touch", "ok", "read-only"},
	}
	for p, words := range scripts {
		f := files[p]
		if f.dir || f.mode != 0o755 {
			t.Errorf("%s: mode %o, want an executable file with mode 0755", p, f.mode)
		}
		if !strings.HasPrefix(f.body, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\n") {
			t.Errorf("%s does not start with the shebang and the CGI header:\n%s", p, f.body)
		}
		for _, w := range words {
			if !strings.Contains(f.body, w) {
				t.Errorf("%s lacks %q:\n%s", p, w, f.body)
			}
		}
	}
	if len(files) != len(dirs)+len(want)+len(scripts) {
		t.Errorf("layer holds %v, want only the function's files", order)
	}
	// A parent must come before its children, or extraction invents it.
	for i, p := range order {
		if parent, _, ok := strings.Cut(p, "/"); ok && !slices.Contains(order[:i], parent) {
			t.Errorf("%s comes before its directory %s", p, parent)
		}
	}
}

func TestPushDigestFollowsInputs(t *testing.T) {
	reg := registryAddr(t)
	ctx := testContext(t)
	a1 := push(t, ctx, reg, "digest-a1", fnimage.Image{Answer: "a", Env: []string{"K=v"}})
	a2 := push(t, ctx, reg, "digest-a2", fnimage.Image{Answer: "a", Env: []string{"K=v"}})
	b := push(t, ctx, reg, "digest-b", fnimage.Image{Answer: "b", Env: []string{"K=v"}})
	if a1 != a2 {
		t.Errorf("same inputs gave %s and %s", a1, a2)
	}
	if a1 == b {
		t.Errorf("different answers gave the same image %s", a1)
	}
}

func TestPushRejectsBadInput(t *testing.T) {
	reg := registryAddr(t)
	ctx := testContext(t)
	tests := []struct {
		name, repo, tag string
		img             fnimage.Image
	}{
		{"env without =", testRepo, "bad", fnimage.Image{Env: []string{"NOVALUE"}}},
		{"env without key", testRepo, "bad", fnimage.Image{Env: []string{"=v"}}},
		{"bad tag", testRepo, "no:colons", fnimage.Image{}},
		{"upper-case repo", "Ofc-Test/X", "t", fnimage.Image{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := fnimage.Push(ctx, reg, tt.repo, tt.tag, tt.img)
			if err == nil {
				t.Fatalf("Push = %s, want an error", ref)
			}
			if !strings.Contains(err.Error(), tt.repo) {
				t.Errorf("error %q does not name the image", err)
			}
		})
	}
}

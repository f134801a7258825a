package buildkit_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/buildkit"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/registry"
)

// syncBuffer is a log that a test can read while the build writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	builder  *buildkit.Builder
	registry *registry.Registry
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	addr, host := devStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// As the builder runs: with a registry cache to import from.
	b, err := buildkit.New(ctx, buildkit.Config{Addr: addr, Insecure: true, Parallel: 2,
		CacheRef: func(image string) string { return pipeline.RepositoryOf(image) + ":buildcache" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.Ping(ctx); err != nil {
		t.Fatalf("buildkitd at %s: %v", addr, err)
	}
	r, err := registry.New(registry.Config{Host: host, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{builder: b, registry: r}
}

// contextDir writes files (path -> content) to a fresh build context.
func contextDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// nonce keeps BuildKit's cache from answering for a step the test wants
// to see run.
func nonce() string { return fmt.Sprintf("%d", time.Now().UnixNano()) }

func TestBuildPushesImage(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	greeting := "hello-" + nonce()
	spec := pipeline.FunctionSpec{
		Name: "hello",
		ContextDir: contextDir(t, map[string]string{
			"build/Dockerfile": "FROM busybox:latest\nARG GREETING\nCOPY handler.sh /handler.sh\nRUN echo \"greeting is $GREETING\" && echo \"$GREETING\" > /greeting\n",
			"handler.sh":       "#!/bin/sh\necho hello\n",
		}),
		Dockerfile: "build/Dockerfile",
		BuildArgs:  map[string]string{"GREETING": greeting},
		Image:      f.registry.Ref("ofc-test", "buildkit", "hello", nonce()),
	}
	var log syncBuffer
	digest, err := f.builder.Build(ctx, spec, &log)
	t.Logf("build log:\n%s", log.String())
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("digest = %q, want sha256:...", digest)
	}

	for _, want := range []string{
		// BuildKit names the step with the build arg expanded.
		"RUN echo \"greeting is " + greeting + "\"",
		"greeting is " + greeting + "\n",
		"DONE",
		"pushing layers",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("build log lacks %q", want)
		}
	}

	got, ok, err := f.registry.Exists(ctx, spec.Image)
	if err != nil || !ok || got != digest {
		t.Fatalf("registry has %s as %q, %v, %v; want %s", spec.Image, got, ok, err, digest)
	}
	byDigest := pipeline.RepositoryOf(spec.Image) + "@" + digest
	if _, ok, err := f.registry.Exists(ctx, byDigest); err != nil || !ok {
		t.Fatalf("registry lacks %s: %v, %v", byDigest, ok, err)
	}
}

func TestBuildFailureEndsWithTheStepsOutput(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	spec := pipeline.FunctionSpec{
		Name: "broken",
		ContextDir: contextDir(t, map[string]string{
			"Dockerfile": "FROM busybox:latest\nARG NONCE\n" +
				// stdout and stderr arrive apart: the test keeps to one so that
				// the order of the lines is known.
				"RUN echo \"compiling $NONCE\" >&2 && echo './handler.go:7:2: undefined: foo' >&2 && exit 1\n",
		}),
		Dockerfile: "Dockerfile",
		BuildArgs:  map[string]string{"NONCE": nonce()},
		Image:      f.registry.Ref("ofc-test", "buildkit", "broken", nonce()),
	}
	var log syncBuffer
	_, err := f.builder.Build(ctx, spec, &log)
	t.Logf("build log:\n%s", log.String())
	if err == nil {
		t.Fatal("Build of a failing Dockerfile succeeded")
	}
	t.Logf("error:\n%v", err)
	if pipeline.IsTransient(err) {
		t.Fatalf("a failing RUN step is a transient error: %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if last := lines[len(lines)-1]; last != "./handler.go:7:2: undefined: foo" {
		t.Errorf("error ends with %q, want the step's last output line", last)
	}
	if !strings.Contains(err.Error(), "exit code: 1") {
		t.Errorf("error does not say the command failed: %v", err)
	}
	if !strings.Contains(log.String(), "ERROR") || !strings.Contains(log.String(), "undefined: foo") {
		t.Errorf("build log does not show the failure")
	}
	if _, ok, err := f.registry.Exists(ctx, spec.Image); err != nil || ok {
		t.Errorf("a failed build pushed %s (%v, %v)", spec.Image, ok, err)
	}
}

func TestBuildWithMissingBaseImageIsTheUsers(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	spec := pipeline.FunctionSpec{
		Name:       "nobase",
		ContextDir: contextDir(t, map[string]string{"Dockerfile": "FROM ofc-test/no-such-image:" + nonce() + "\n"}),
		Image:      f.registry.Ref("ofc-test", "buildkit", "nobase", nonce()),
	}
	_, err := f.builder.Build(ctx, spec, &syncBuffer{})
	if err == nil || pipeline.IsTransient(err) {
		t.Fatalf("Build FROM a missing image = %v, want a permanent error", err)
	}
	t.Logf("error: %v", err)
}

func TestUnreachableBuildkitIsTransient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, addr := range []string{
		"unix://" + filepath.Join(t.TempDir(), "buildkitd.sock"),
		"tcp://127.0.0.1:1",
	} {
		t.Run(addr, func(t *testing.T) {
			b, err := buildkit.New(ctx, buildkit.Config{Addr: addr})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if err := b.Ping(ctx); !pipeline.IsTransient(err) {
				t.Errorf("Ping = %v, want a transient error", err)
			}
			spec := pipeline.FunctionSpec{
				Name:       "fn",
				ContextDir: contextDir(t, map[string]string{"Dockerfile": "FROM busybox\n"}),
				Image:      "127.0.0.1:5000/o/r/fn:abc",
			}
			_, err = b.Build(ctx, spec, &syncBuffer{})
			t.Logf("Build: %v", err)
			if !pipeline.IsTransient(err) {
				t.Errorf("Build = %v, want a transient error", err)
			}
		})
	}
}

func TestDockerfileOutsideTheContextIsRefused(t *testing.T) {
	b, err := buildkit.New(context.Background(), buildkit.Config{Addr: "unix:///nonexistent.sock"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	spec := pipeline.FunctionSpec{
		Name:       "fn",
		ContextDir: t.TempDir(),
		Dockerfile: "../../etc/Dockerfile",
		Image:      "127.0.0.1:5000/o/r/fn:abc",
	}
	if _, err := b.Build(context.Background(), spec, &syncBuffer{}); err == nil || pipeline.IsTransient(err) {
		t.Fatalf("Build with %s = %v, want a permanent error", spec.Dockerfile, err)
	}
}

// A RUN step reads a build secret from its mount; the secret is not a
// build argument, so it is neither in the image's history nor a cache key.
func TestBuildSecretsReachTheRunStep(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	secret := "tok-" + nonce()
	spec := pipeline.FunctionSpec{
		Name: "secret",
		ContextDir: contextDir(t, map[string]string{
			"Dockerfile": "FROM busybox:latest\nRUN --mount=type=secret,id=npm_token echo \"" + nonce() +
				" token of $(wc -c < /run/secrets/npm_token) bytes starting $(head -c 4 /run/secrets/npm_token)\"\n",
		}),
		BuildSecrets: []string{"npm_token"},
		Secrets:      map[string][]byte{"npm_token": []byte(secret)},
		Image:        f.registry.Ref("ofc-test", "buildkit", "secret", nonce()),
	}
	var log syncBuffer
	if _, err := f.builder.Build(ctx, spec, &log); err != nil {
		t.Fatalf("Build: %v\n%s", err, log.String())
	}
	want := fmt.Sprintf("token of %d bytes starting tok-", len(secret))
	if !strings.Contains(log.String(), want) {
		t.Errorf("build log lacks %q:\n%s", want, log.String())
	}
}

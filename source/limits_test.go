package source

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

// fetchWithin runs Fetch and fails the test, rather than hanging it, if
// Fetch does not return within a minute: what is tested is that it ends.
func fetchWithin(t *testing.T, ctx context.Context, g *Git, ev pipeline.Event) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- g.Fetch(ctx, ev, t.TempDir()) }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("Fetch did not return")
		return nil
	}
}

func TestCloneLargerThanTheLimitIsTheUsersFailure(t *testing.T) {
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("alice", "fns", "main")
	noise := make([]byte, 300<<10)
	if _, err := rand.Read(noise); err != nil {
		t.Fatal(err)
	}
	sha := repo.Commit("main", "big", map[string]string{"stack.yml": "x", "blob.bin": string(noise)})

	err := New(Config{MaxBytes: 100 << 10}).Fetch(context.Background(), event(repo.CloneURL, sha), t.TempDir())
	want := "clone alice/fns@" + sha[:7] + ": repository is larger than 100 KiB, the most a build clones"
	if err == nil || err.Error() != want || pipeline.IsTransient(err) {
		t.Fatalf("err = %v\nwant  %s, not transient", err, want)
	}

	// The same repository fits a larger limit.
	if err := New(Config{MaxBytes: 10 << 20}).Fetch(context.Background(), event(repo.CloneURL, sha), t.TempDir()); err != nil {
		t.Fatalf("clone under the limit: %v", err)
	}
}

// TestCloneOfCompressibleFilesIsRefusedBeforeCheckout: a pack of a few
// KiB can hold gigabytes of zeros; the checkout is refused before it
// writes them.
func TestCloneOfCompressibleFilesIsRefusedBeforeCheckout(t *testing.T) {
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("alice", "fns", "main")
	sha := repo.Commit("main", "zeros", map[string]string{"stack.yml": "x", "zeros.bin": strings.Repeat("\x00", 8<<20)})

	dir := t.TempDir()
	err := New(Config{MaxBytes: 1 << 20}).Fetch(context.Background(), event(repo.CloneURL, sha), dir)
	if err == nil || !strings.HasSuffix(err.Error(), ": repository is larger than 1 MiB, the most a build clones") || pipeline.IsTransient(err) {
		t.Fatalf("err = %v, want the repository refused as too large", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "zeros.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("zeros.bin was checked out (%v)", err)
	}
}

// hangingServer answers nothing until the request is given up; it stops
// when the test ends.
func hangingServer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv.URL
}

// silentListener accepts connections and never reads or writes.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestCloneOfAServerThatNeverAnswersEndsAtTheTimeout(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	for name, base := range map[string]string{"HTTP server that never answers": hangingServer(t), "TCP peer that never speaks": silentListener(t)} {
		t.Run(name, func(t *testing.T) {
			g := New(Config{Timeout: time.Second})
			err := fetchWithin(t, context.Background(), g, event(base+"/alice/fns.git", sha))
			want := "clone alice/fns@abababa: the clone took longer than 1s: the git server is slow or does not answer"
			if err == nil || err.Error() != want || !pipeline.IsTransient(err) {
				t.Fatalf("err = %v\nwant  %s, transient", err, want)
			}
		})
	}
}

func TestCloneStoppedByItsCallerIsNotATimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	g := New(Config{Timeout: time.Hour})
	err := fetchWithin(t, ctx, g, event(hangingServer(t)+"/alice/fns.git", strings.Repeat("ab", 20)))
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "took longer") {
		t.Fatalf("err = %v, want the caller's context.Canceled", err)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		1 << 30: "1 GiB", 3 << 30: "3 GiB", 1536 << 20: "1536 MiB", 100 << 10: "100 KiB", 1000: "1000 bytes", 0: "0 bytes",
	} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
)

func event(cloneURL, commit string) pipeline.Event {
	return pipeline.Event{
		Repo:   pipeline.Repo{Provider: pipeline.GitHub, Owner: "alice", Name: "fns", CloneURL: cloneURL},
		Commit: commit, Branch: "main",
	}
}

func TestFetchChecksOutTheExactCommit(t *testing.T) {
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("alice", "fns", "main")
	first := repo.Commit("main", "first", map[string]string{"stack.yml": "version: 1.0\n", "a/handler.go": "package a\n"})
	repo.Commit("main", "second", map[string]string{"stack.yml": "version: 2.0\n"})

	dir := t.TempDir()
	if err := New(Config{}).Fetch(context.Background(), event(repo.CloneURL, first), dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "stack.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "version: 1.0\n" {
		t.Fatalf("stack.yml at first commit = %q, want the first commit's content", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "handler.go")); err != nil {
		t.Fatalf("handler missing: %v", err)
	}
}

type staticToken string

func (s staticToken) Token(context.Context, pipeline.Event) (string, error) { return string(s), nil }

func TestFetchErrorsSayWhatFailedAndHideTheToken(t *testing.T) {
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("alice", "fns", "main")
	repo.Commit("main", "first", map[string]string{"f": "x"})
	missing := strings.Repeat("ab", 20)

	err := New(Config{Tokens: staticToken("s3cr3t-token")}).Fetch(context.Background(), event(repo.CloneURL, missing), t.TempDir())
	if err == nil {
		t.Fatal("fetching a commit that does not exist succeeded")
	}
	if !strings.Contains(err.Error(), "clone alice/fns@ababab") {
		t.Errorf("error %q does not say what failed", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error %q shows the token", err)
	}
	if pipeline.IsTransient(err) {
		t.Errorf("a missing commit is not worth retrying: %v", err)
	}

	err = New(Config{}).Fetch(context.Background(), event("http://127.0.0.1:1/alice/fns.git", missing), t.TempDir())
	if !pipeline.IsTransient(err) {
		t.Errorf("an unreachable server should be transient, got %v", err)
	}

	err = New(Config{}).Fetch(context.Background(), event("file:///etc", missing), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "not http") {
		t.Errorf("a file:// clone URL must be refused, got %v", err)
	}
}

// recordingToken counts the tokens asked for.
type recordingToken struct{ asked int }

func (r *recordingToken) Token(context.Context, pipeline.Event) (string, error) {
	r.asked++
	return "s3cr3t-token", nil
}

// TestFetchRefusesACloneURLOffTheForge: a signed payload may still name
// any clone URL; one off the forge's host is refused before the token is
// fetched, let alone sent.
func TestFetchRefusesACloneURLOffTheForge(t *testing.T) {
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("alice", "fns", "main")
	sha := repo.Commit("main", "first", map[string]string{"f": "x"})

	tok := &recordingToken{}
	g := New(Config{Tokens: tok, Hosts: map[pipeline.Provider]string{pipeline.GitHub: "github.example"}})
	err := g.Fetch(context.Background(), event(repo.CloneURL, sha), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "is not on github.example") || pipeline.IsTransient(err) {
		t.Fatalf("clone from %s = %v, want a refusal that is not retried", repo.CloneURL, err)
	}
	if tok.asked != 0 {
		t.Errorf("the token was asked for %d times before the refusal", tok.asked)
	}

	// On the forge's host (the port aside), it clones.
	g = New(Config{Tokens: tok, Hosts: map[pipeline.Provider]string{pipeline.GitHub: "127.0.0.1"}})
	if err := g.Fetch(context.Background(), event(repo.CloneURL, sha), t.TempDir()); err != nil {
		t.Fatalf("clone from the forge's host: %v", err)
	}
}

package secrets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDir(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "alice/fns/npm_token"), "npm-123456")
	write(t, filepath.Join(root, "group/sub/fns/cert.pem"), "-----BEGIN-----")
	write(t, filepath.Join(root, "alice/other/npm_token"), "other-repo")
	write(t, filepath.Join(root, "alice/fns/big"), strings.Repeat("x", maxSize+1))
	if err := os.Mkdir(filepath.Join(root, "alice/fns/adir"), 0o700); err != nil {
		t.Fatal(err)
	}
	d := Dir{Root: root}
	ctx := context.Background()

	got, err := d.BuildSecrets(ctx, pipeline.Repo{Owner: "alice", Name: "fns"}, []string{"npm_token"})
	if err != nil || string(got["npm_token"]) != "npm-123456" || len(got) != 1 {
		t.Errorf("alice/fns: %q, %v", got, err)
	}
	got, err = d.BuildSecrets(ctx, pipeline.Repo{Owner: "group/sub", Name: "fns"}, []string{"cert.pem"})
	if err != nil || string(got["cert.pem"]) != "-----BEGIN-----" {
		t.Errorf("group/sub/fns: %q, %v", got, err)
	}

	for _, c := range []struct {
		name     string
		repo     pipeline.Repo
		ids      []string
		notFound bool
		says     string
	}{
		{"missing", pipeline.Repo{Owner: "alice", Name: "fns"}, []string{"npm_token", "pypi"}, true, `build secret "pypi" is not configured for alice/fns`},
		{"another repository's", pipeline.Repo{Owner: "bob", Name: "fns"}, []string{"npm_token"}, true, "not configured for bob/fns"},
		{"id with a path", pipeline.Repo{Owner: "alice", Name: "fns"}, []string{"../other/npm_token"}, false, "not a file name"},
		{"repository climbing out", pipeline.Repo{Owner: "..", Name: "x"}, []string{"npm_token"}, false, "not a name"},
		{"a directory", pipeline.Repo{Owner: "alice", Name: "fns"}, []string{"adir"}, false, "not a regular file"},
		{"too big", pipeline.Repo{Owner: "alice", Name: "fns"}, []string{"big"}, false, "more than a secret's"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := d.BuildSecrets(ctx, c.repo, c.ids)
			if err == nil || got != nil {
				t.Fatalf("BuildSecrets = %q, %v; want an error", got, err)
			}
			if errors.Is(err, pipeline.ErrSecretNotFound) != c.notFound || !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q: want not-found %v, saying %q", err, c.notFound, c.says)
			}
			if pipeline.IsTransient(err) {
				t.Errorf("error %q is marked transient: the user must fix it", err)
			}
		})
	}
}

package template

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// CopyExtra copies paths of the repository in repoDir (each a file or a
// folder, slash-separated, relative to the repository) into the handler
// folder of the prepared context c, each under rel, its path as the stack
// file wrote it: faas-cli's configuration.copy, which puts a shared
// folder "common" at function/common of every function.
//
// Symbolic links are followed only while they stay in the repository. An
// error is the user's (a path that does not exist or leads out of the
// repository) unless the context cannot be written.
func CopyExtra(ctx context.Context, repoDir string, c Context, paths []Extra) error {
	if len(paths) == 0 {
		return nil
	}
	root, err := os.OpenRoot(repoDir)
	if err != nil {
		return fmt.Errorf("open repository: %w", err)
	}
	defer root.Close()
	repo := root.FS()
	handler := c.Handler
	if handler == "" {
		handler = "."
	}
	for _, e := range paths {
		what := fmt.Sprintf("copy %q", e.Rel)
		if !fs.ValidPath(e.Path) || e.Path == "." {
			return fmt.Errorf("%s: not a path inside the repository", what)
		}
		if !fs.ValidPath(e.Rel) || e.Rel == "." {
			return fmt.Errorf("%s: not a path inside the stack file's folder", what)
		}
		dst := filepath.Join(c.Dir, filepath.FromSlash(path.Join(handler, e.Rel)))
		st, err := fs.Stat(repo, e.Path)
		switch {
		case escapes(err):
			return fmt.Errorf("%s leads outside the repository through a symbolic link", what)
		case err != nil:
			return fmt.Errorf("%s: %s", what, problem(repo, e.Path, false))
		}
		cp := &copier{fsys: repo, what: what}
		if st.IsDir() {
			err = cp.copyTree(ctx, e.Path, dst)
		} else if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
			err = cp.copyFile(e.Path, dst)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Extra is one path of configuration.copy.
type Extra struct {
	// Path is its slash-separated path in the repository.
	Path string
	// Rel is its path as the stack file wrote it, relative to the stack
	// file's folder, cleaned: where it goes in the handler folder.
	Rel string
}

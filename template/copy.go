package template

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Limits on what one build context may hold. They bound the damage of a
// repository whose symbolic links fold a tree onto itself.
const (
	maxLinkDepth = 8
	maxFiles     = 200_000
	maxBytes     = 4 << 30
)

// copier copies trees out of a file system that refuses to follow links
// out of it (an os.Root's, or the embedded templates).
type copier struct {
	fsys fs.FS
	// skipTop names entries left out at the top of the tree copied.
	skipTop map[string]bool
	// rename maps a file's name in fsys to its name in the copy.
	rename map[string]string
	// what names the tree in errors ("handler \"./api\"").
	what  string
	files int
	bytes int64
}

// copyTree copies directory src of c.fsys into dst, which is created.
func (c *copier) copyTree(ctx context.Context, src, dst string) error {
	return c.copyDir(ctx, src, dst, true, 0)
}

func (c *copier) copyDir(ctx context.Context, src, dst string, top bool, links int) error {
	entries, err := fs.ReadDir(c.fsys, src)
	if err != nil {
		return c.fail(src, err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := e.Name()
		if top && c.skipTop[name] {
			continue
		}
		p := path.Join(src, name)
		to := filepath.Join(dst, name)
		if n, ok := c.rename[name]; ok {
			to = filepath.Join(dst, n)
		}
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			if err := c.copyLink(ctx, p, to, links); err != nil {
				return err
			}
			continue
		}
		switch {
		case typ.IsDir():
			err = c.copyDir(ctx, p, to, false, links)
		case typ.IsRegular():
			err = c.copyFile(p, to)
		}
		// Sockets, pipes and devices have no place in a build context.
		if err != nil {
			return err
		}
	}
	return nil
}

// copyLink copies what a symbolic link points to, as long as that is in
// the same tree: a handler may share code through a link to a sibling
// folder, but it may not read the build machine's files.
func (c *copier) copyLink(ctx context.Context, p, to string, links int) error {
	if links >= maxLinkDepth {
		return fmt.Errorf("%s: %s: too many levels of symbolic links", c.what, p)
	}
	st, err := fs.Stat(c.fsys, p)
	switch {
	case escapes(err):
		return fmt.Errorf("%s: %s is a symbolic link that leads outside the repository", c.what, p)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %s is a symbolic link to nothing", c.what, p)
	case err != nil:
		return c.fail(p, err)
	case st.IsDir():
		return c.copyDir(ctx, p, to, false, links+1)
	case st.Mode().IsRegular():
		return c.copyFile(p, to)
	}
	return nil
}

func (c *copier) copyFile(src, dst string) (err error) {
	c.files++
	if c.files > maxFiles {
		return fmt.Errorf("%s: more than %d files", c.what, maxFiles)
	}
	in, err := c.fsys.Open(src)
	if err != nil {
		return c.fail(src, err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return c.fail(src, err)
	}
	// Owner and group keep their execute bits; nobody keeps write access
	// but the owner, whatever the repository says.
	mode := st.Mode().Perm()&0o755 | 0o644
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	n, err := io.Copy(out, io.LimitReader(in, maxBytes-c.bytes+1))
	c.bytes += n
	if err != nil {
		return c.fail(src, err)
	}
	if c.bytes > maxBytes {
		return fmt.Errorf("%s: more than %d bytes", c.what, int64(maxBytes))
	}
	return nil
}

func (c *copier) fail(p string, err error) error {
	if escapes(err) {
		return fmt.Errorf("%s: %s leads outside the repository through a symbolic link", c.what, p)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: read %s: %w", c.what, p, err)
}

// escapes reports whether err is os.Root refusing a path that leaves the
// root. The standard library does not export that error, so its message is
// matched.
func escapes(err error) bool {
	return err != nil && strings.HasSuffix(err.Error(), "path escapes from parent")
}

// Package regular reads files that must be regular files of a bounded
// size: what a repository or an operator hands the service, where a
// symlink to a device or a huge file must not make it hang or swell.
package regular

import (
	"fmt"
	"io"
	"io/fs"
)

// ReadFile reads at most limit+1 bytes of name in fsys, so that a caller
// can tell an oversized file without holding all of it. It refuses what
// is not a regular file (after symlinks, as fsys.Open follows them).
func ReadFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return io.ReadAll(io.LimitReader(f, limit+1))
}

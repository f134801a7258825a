// Package secrets reads the build secrets of repositories from a
// directory the service's operators keep: one folder per repository, one
// file per secret, the way a Kubernetes Secret mounted as a volume lays
// them out.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ofcbuild/ofc/internal/regular"
	"github.com/ofcbuild/ofc/pipeline"
)

// maxSize bounds one secret: a token or a certificate, not a payload.
const maxSize = 64 << 10

// Dir holds build secrets as files: <Root>/<owner>/<repo>/<id>, with a
// GitLab subgroup's path as its owner ("group/sub"). Files are read at
// each build, so a rotated secret takes effect without a restart. Safe for
// concurrent use.
type Dir struct {
	Root string
}

var _ pipeline.SecretSource = Dir{}

// BuildSecrets reads the value of each of ids for repo. A missing file is
// an error wrapping pipeline.ErrSecretNotFound that says where the file
// belongs, without showing the root's other contents.
func (d Dir) BuildSecrets(ctx context.Context, repo pipeline.Repo, ids []string) (map[string][]byte, error) {
	name := repo.FullName()
	// Names come from webhooks: they must stay one repository's folder.
	if !filepath.IsLocal(name) || strings.Count(filepath.Clean(name), string(filepath.Separator)) < 1 {
		return nil, fmt.Errorf("repository %q: not a name secrets can be kept under", name)
	}
	out := make(map[string][]byte, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, pipeline.Transient(err)
		}
		if !filepath.IsLocal(id) || strings.ContainsRune(id, filepath.Separator) {
			return nil, fmt.Errorf("build secret %q: not a file name", id)
		}
		v, err := regular.ReadFile(os.DirFS(d.Root), path.Join(filepath.ToSlash(name), id), maxSize)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("build secret %q is not configured for %s (the service reads it from <secrets dir>/%s/%s): %w",
				id, name, name, id, pipeline.ErrSecretNotFound)
		case err != nil:
			return nil, fmt.Errorf("build secret %q of %s: %w", id, name, err)
		case len(v) > maxSize:
			return nil, fmt.Errorf("build secret %q of %s holds more than a secret's %d bytes", id, name, maxSize)
		}
		out[id] = v
	}
	return out, nil
}

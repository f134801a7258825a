package plan

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/ofcbuild/ofc/stack"
	"github.com/ofcbuild/ofc/template"
)

// copyExtra copies the stack file's configuration.copy paths into the
// handler folder of c, as faas-cli does: each path is relative to the
// stack file's folder, must lie inside it, and may not be that whole
// folder.
func copyExtra(ctx context.Context, s *stack.Stack, srcDir string, c template.Context) error {
	extras := make([]template.Extra, 0, len(s.Configuration.Copy))
	for _, p := range s.Configuration.Copy {
		rel := path.Clean(p)
		if rel == "." || !fs.ValidPath(rel) {
			return fmt.Errorf("configuration.copy %q: want a path inside the stack file's folder, and not the whole of it", p)
		}
		extras = append(extras, template.Extra{Path: s.Path(rel), Rel: rel})
	}
	return template.CopyExtra(ctx, srcDir, c, extras)
}

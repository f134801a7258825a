package template

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"gopkg.in/yaml.v3"
)

// includeDir holds the files several shipped templates share; a template
// names the folders it takes in its template.yml (ofc_include).
const includeDir = "_include"

// copyShipped copies the shipped template for lang, and the shared
// folders it includes, into outDir.
func copyShipped(ctx context.Context, lang, outDir string) error {
	dir := path.Join(shippedDir, lang)
	cp := &copier{fsys: shipped, what: "shipped template " + lang, rename: shippedRename}
	if err := cp.copyTree(ctx, dir, outDir); err != nil {
		return err
	}
	var m meta
	if data, err := fs.ReadFile(shipped, path.Join(dir, "template.yml")); err == nil {
		if err := yaml.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("shipped template %s: template.yml: %w", lang, err)
		}
	}
	for _, inc := range m.Include {
		// Shared files go to the context's root, next to the template's
		// own: the two never hold the same name.
		if err := cp.copyDir(ctx, path.Join(shippedDir, includeDir, inc), outDir, false, 0); err != nil {
			return fmt.Errorf("shipped template %s: include %s: %w", lang, inc, err)
		}
	}
	return nil
}

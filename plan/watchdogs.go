package plan

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ofcbuild/ofc/template"
)

// watchdogs maps each of OpenFaaS's watchdog images the function's
// Dockerfile starts a stage from to the service's watchdog of that kind,
// so that the build copies ours instead of pulling theirs.
func (p *Planner) watchdogs(c template.Context, args map[string]string) (map[string]string, error) {
	if len(p.cfg.Watchdogs) == 0 {
		return nil, nil
	}
	df, err := os.ReadFile(filepath.Join(c.Dir, filepath.FromSlash(c.Dockerfile)))
	if err != nil {
		return nil, fmt.Errorf("read the Dockerfile: %w", err)
	}
	var named map[string]string
	for image, kind := range template.Watchdogs(df, args) {
		dir, ok := p.cfg.Watchdogs[kind]
		if !ok {
			continue
		}
		if named == nil {
			named = map[string]string{}
		}
		named[image] = dir
	}
	return named, nil
}

package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/ofcbuild/ofc/pipeline"
)

// contentVersion names how the hash is made: a change to what goes into
// an image that the inputs below do not show (how the service builds)
// changes it, so that no image made the old way is reused.
const contentVersion = "ofc-content-v1"

// contentHash is what makes spec's image, hashed: the prepared build
// context (every file's path, kind, execute bits and bytes, so the
// template's files and the handler's, and code shared through
// configuration.copy), the Dockerfile's path, the build arguments, the ids
// of the build secrets (their values are the service's and never in the
// image), and the folders given as named contexts (the service's
// watchdogs). Two functions with one hash make the same image, whatever
// their commits, so the one built first can serve both.
//
// The base images a Dockerfile names by tag are not resolved: a new
// release of python:3.11 under the same tag does not change the hash.
// A Dockerfile that pins its base by digest has the pin in its bytes.
func (p *Planner) contentHash(ctx context.Context, spec pipeline.FunctionSpec) (string, error) {
	h := sha256.New()
	field := func(k, v string) { fmt.Fprintf(h, "%d:%s=%d:%s;", len(k), k, len(v), v) }
	field("version", contentVersion)
	field("dockerfile", spec.Dockerfile)
	for _, k := range slices.Sorted(maps.Keys(spec.BuildArgs)) {
		field("arg:"+k, spec.BuildArgs[k])
	}
	for _, id := range spec.BuildSecrets {
		field("secret", id)
	}
	for _, name := range slices.Sorted(maps.Keys(spec.NamedContexts)) {
		sum, err := p.trees.sum(ctx, spec.NamedContexts[name])
		if err != nil {
			return "", fmt.Errorf("hash named context %s: %w", name, err)
		}
		field("named:"+name, sum)
	}
	if err := hashTree(ctx, h, spec.ContextDir); err != nil {
		return "", fmt.Errorf("hash the build context: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashTree writes every entry of the tree at root into h, in a fixed
// order: path, kind, execute bits, and a file's bytes or a link's target.
func hashTree(ctx context.Context, h hash.Hash, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode()
		fmt.Fprintf(h, "%d:%s:%s:%o;", len(rel), filepath.ToSlash(rel), mode.Type(), mode.Perm()&0o111)
		switch {
		case mode.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%d:%s;", len(target), target)
		case mode.IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			n, err := io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, ";%d;", n)
		}
		return nil
	})
}

// treeSums remembers the hashes of folders that stay put between builds
// (the service's watchdogs, megabytes each, named by every function), by
// path and the size and time of each file. Safe for concurrent use.
type treeSums struct {
	mu   sync.Mutex
	sums map[string]treeSum
}

type treeSum struct {
	stamp string
	sum   string
}

// sum is the hash of the tree at dir.
func (t *treeSums) sum(ctx context.Context, dir string) (string, error) {
	stamp, err := treeStamp(dir)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	s, ok := t.sums[dir]
	t.mu.Unlock()
	if ok && s.stamp == stamp {
		return s.sum, nil
	}
	h := sha256.New()
	if err := hashTree(ctx, h, dir); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	t.mu.Lock()
	if t.sums == nil {
		t.sums = map[string]treeSum{}
	}
	t.sums[dir] = treeSum{stamp: stamp, sum: sum}
	t.mu.Unlock()
	return sum, nil
}

// treeStamp lists the size and modification time of every entry of dir:
// what changes when a file is replaced.
func treeStamp(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s:%d:%d:%s;", p, info.Size(), info.ModTime().UnixNano(), info.Mode())
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

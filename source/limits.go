package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// Defaults of Config.Timeout and Config.MaxBytes.
const (
	DefaultTimeout  = 5 * time.Minute
	DefaultMaxBytes = 1 << 30
)

// sizeInterval is how often the checkout folder is measured while git
// writes to it: often enough that a pack larger than the limit stops
// soon after it passes it, rarely enough that walking a large tree costs
// little.
const sizeInterval = 250 * time.Millisecond

// errTimeout is the cause of a clone's context when Config.Timeout ended
// it, to tell that from the caller's context ending.
var errTimeout = errors.New("clone timeout")

// tooLarge is the cause of a clone's context when the repository passed
// Config.MaxBytes. It is the user's failure: retrying will not shrink it.
type tooLarge struct{ max int64 }

func (e *tooLarge) Error() string {
	return "repository is larger than " + formatBytes(e.max) + ", the most a build clones"
}

// limited runs fn, the clone's git commands, on a context that ends at
// g.cfg.Timeout, or as soon as dir holds more than g.cfg.MaxBytes, and
// turns either end into an error that says so: a timeout is transient (a
// forge that does not answer, or answers slowly), a repository too large
// is the user's.
func (g *Git) limited(ctx context.Context, dir string, fn func(ctx context.Context) error) error {
	tctx, cancelTimeout := context.WithTimeoutCause(ctx, g.cfg.Timeout, errTimeout)
	defer cancelTimeout()
	cctx, cancel := context.WithCancelCause(tctx)
	defer cancel(nil)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchSize(cctx, dir, g.cfg.MaxBytes, cancel)
	}()
	err := fn(cctx)
	cause := context.Cause(cctx)
	cancel(nil)
	<-watched
	if err == nil {
		// The last writes may have come after the last measure.
		if n := dirSize(dir, g.cfg.MaxBytes); n > g.cfg.MaxBytes {
			err = &tooLarge{g.cfg.MaxBytes}
		}
	}
	var big *tooLarge
	switch {
	case errors.As(cause, &big) || errors.As(err, &big):
		return big
	case err == nil:
		return nil
	case ctx.Err() != nil:
		// The caller's context ended: the build was stopped, not failed.
		return fmt.Errorf("%w: %w", err, context.Cause(ctx))
	case errors.Is(cause, errTimeout):
		return pipeline.Transient(fmt.Errorf("the clone took longer than %s: the git server is slow or does not answer", g.cfg.Timeout))
	}
	return err
}

// runSteps runs the clone's git commands in order. Before the checkout,
// what it would write is added up, so that a small pack of highly
// compressible files is refused before it is inflated onto the disk.
func (g *Git) runSteps(ctx context.Context, dir string, env []string, steps [][]string) error {
	for _, args := range steps {
		if slices.Contains(args, "checkout") {
			tree, err := g.treeSize(ctx, dir, env, args[len(args)-1])
			if err != nil {
				return err
			}
			if tree+dirSize(dir, g.cfg.MaxBytes) > g.cfg.MaxBytes {
				return &tooLarge{g.cfg.MaxBytes}
			}
		}
		if err := g.run(ctx, dir, env, args...); err != nil {
			if args[0] == "fetch" {
				return fetchError(err)
			}
			return err
		}
	}
	return nil
}

// watchSize measures dir every sizeInterval until ctx ends, and cancels
// with *tooLarge once it holds more than max bytes.
func watchSize(ctx context.Context, dir string, max int64, cancel context.CancelCauseFunc) {
	t := time.NewTicker(sizeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if dirSize(dir, max) > max {
				cancel(&tooLarge{max})
				return
			}
		}
	}
}

// dirSize adds up the sizes of the files under dir, stopping once past
// stop. Files that vanish while it walks (git's temporary ones) are
// skipped.
func dirSize(dir string, stop int64) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		if n > stop {
			return filepath.SkipAll
		}
		return nil
	})
	return n
}

// treeSize is what checking out rev would write: the sizes of its blobs,
// as git ls-tree lists them.
func (g *Git) treeSize(ctx context.Context, dir string, env []string, rev string) (int64, error) {
	cmd := exec.CommandContext(ctx, g.cfg.Git, "ls-tree", "-r", "-l", "-z", rev)
	cmd.Dir, cmd.Env = dir, env
	killGroup(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, pipeline.Transient(fmt.Errorf("git ls-tree: %w", err))
	}
	var n int64
	r := bufio.NewReader(out)
	for {
		entry, err := r.ReadString(0)
		if err == io.EOF {
			break
		}
		if err != nil {
			_ = cmd.Wait()
			return 0, fmt.Errorf("git ls-tree: %w", err)
		}
		// "<mode> <type> <object> <size>\t<path>": a submodule's size is
		// "-", and it is not checked out.
		meta, _, _ := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if len(fields) == 4 {
			if size, err := strconv.ParseInt(fields[3], 10, 64); err == nil {
				n += size
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("git ls-tree: %w", err)
	}
	return n, nil
}

// formatBytes writes n in the largest binary unit it is a whole number
// of ("1 GiB", "300 KiB"), else in bytes.
func formatBytes(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

package containerd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/errdefs"
)

// stop ends in's process, SIGTERM first and SIGKILL after grace (at once
// when grace is 0), then removes the container with all it had: task,
// address, snapshot, secrets and log.
func (r *Runtime) stop(ctx context.Context, in *instance, grace time.Duration) error {
	if task, err := in.container.Task(ctx, nil); err == nil {
		if err := kill(ctx, task, grace); err != nil {
			return fmt.Errorf("stop container %s: %w", in.id, err)
		}
	} else if !errdefs.IsNotFound(err) {
		return fmt.Errorf("task of %s: %w", in.id, err)
	}
	if err := r.cleanup(ctx, in.id); err != nil {
		return err
	}
	r.log.Info("container stopped", "container", in.id)
	return nil
}

// kill signals task and waits for it to exit, then deletes it.
func kill(ctx context.Context, task client.Task, grace time.Duration) error {
	exited, err := task.Wait(ctx)
	if err != nil {
		return fmt.Errorf("wait: %w", err)
	}
	st, err := task.Status(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if st.Status == client.Running || st.Status == client.Paused || st.Status == client.Created {
		if grace > 0 && st.Status == client.Running {
			if err := task.Kill(ctx, syscall.SIGTERM); err != nil && !errdefs.IsNotFound(err) {
				return fmt.Errorf("SIGTERM: %w", err)
			}
			select {
			case <-exited:
			case <-time.After(grace):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := task.Kill(ctx, syscall.SIGKILL, client.WithKillAll); err != nil && !errdefs.IsNotFound(err) {
			return fmt.Errorf("SIGKILL: %w", err)
		}
	}
	if _, err := task.Delete(ctx, client.WithProcessKill); err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("delete task: %w", err)
	}
	return nil
}

// cleanup removes what a container named id may have left, whatever
// stage its creation reached: its task, its place on the bridge, the
// container and its snapshot, its secrets, its /etc files and its log. It
// is safe to call on what does not exist.
func (r *Runtime) cleanup(ctx context.Context, id string) error {
	var errs []error
	c, err := r.client.LoadContainer(ctx, id)
	switch {
	case err == nil:
		if task, err := c.Task(ctx, nil); err == nil {
			if err := kill(ctx, task, 0); err != nil {
				errs = append(errs, fmt.Errorf("task of %s: %w", id, err))
			}
		} else if !errdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("task of %s: %w", id, err))
		}
	case !errdefs.IsNotFound(err):
		errs = append(errs, fmt.Errorf("load container %s: %w", id, err))
	}
	// The process is gone, and its network namespace with it: only the
	// address lease is left to give back.
	if err := r.detach(ctx, id); err != nil {
		errs = append(errs, err)
	}
	if c != nil {
		if err := c.Delete(ctx, client.WithSnapshotCleanup); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete container %s: %w", id, err))
		}
	}
	for _, p := range []string{filepath.Join(secretsRoot(r.cfg.DataDir), id), filepath.Join(etcRoot(r.cfg.DataDir), id), logPath(r.cfg.DataDir, id)} {
		if err := os.RemoveAll(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

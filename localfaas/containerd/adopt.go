package containerd

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/errdefs"
)

// adopt takes over the containers a previous runtime left running, so
// that a restart interrupts no function. Containers that no longer run, or
// that lack the labels this runtime writes, are removed.
func (r *Runtime) adopt(ctx context.Context) error {
	ctrs, err := r.client.Containers(ctx)
	if err != nil {
		return fmt.Errorf("list containers in namespace %s: %w", r.cfg.Namespace, err)
	}
	var errs []error
	for _, c := range ctrs {
		labels, err := c.Labels(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("labels of %s: %w", c.ID(), err))
			continue
		}
		in := &instance{id: c.ID(), config: labels[labelConfig], addr: labels[labelAddr], container: c}
		name := labels[labelFunction]
		if name == "" || in.addr == "" || in.config == "" || !in.alive(ctx) {
			r.log.Info("removing stopped container", "container", c.ID())
			if err := r.cleanup(ctx, c.ID()); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		f := r.function(name)
		f.set(append(f.serving(), in))
		r.log.Info("container adopted", "function", name, "container", c.ID(), "addr", in.addr)
	}
	return errors.Join(errs...)
}

// Teardown removes everything the runtime made: every container in its
// namespace, the images it pulled, the namespace itself, the bridge and
// the files under DataDir. Nothing keeps running. The Runtime must not be
// used afterwards, except to Close it.
func (r *Runtime) Teardown(ctx context.Context) error {
	ctx = r.ns(ctx)
	var errs []error
	ctrs, err := r.client.Containers(ctx)
	if err != nil {
		return fmt.Errorf("list containers in namespace %s: %w", r.cfg.Namespace, err)
	}
	for _, c := range ctrs {
		if err := r.cleanup(ctx, c.ID()); err != nil {
			errs = append(errs, err)
		}
	}
	r.mu.Lock()
	clear(r.fns)
	r.mu.Unlock()

	is := r.client.ImageService()
	imgs, err := is.List(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("list images: %w", err))
	}
	for i, img := range imgs {
		var opts []images.DeleteOpt
		if i == len(imgs)-1 {
			// The last delete collects the content and snapshots of all.
			opts = append(opts, images.SynchronousDelete())
		}
		if err := is.Delete(ctx, img.Name, opts...); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete image %s: %w", img.Name, err))
		}
	}
	if err := r.client.NamespaceService().Delete(ctx, r.cfg.Namespace); err != nil && !errdefs.IsNotFound(err) {
		errs = append(errs, fmt.Errorf("delete namespace %s: %w", r.cfg.Namespace, err))
	}
	if err := removeBridge(r.cfg); err != nil {
		errs = append(errs, err)
	}
	for _, dir := range []string{secretsRoot(r.cfg.DataDir), logsRoot(r.cfg.DataDir), etcRoot(r.cfg.DataDir)} {
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", dir, err))
		}
	}
	return errors.Join(errs...)
}

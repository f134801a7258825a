package containerd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/remotes/docker"
	"github.com/containerd/containerd/v2/pkg/cio"
	"github.com/containerd/errdefs"

	"github.com/ofcbuild/ofc/localfaas"
)

// functionPort is where a function serves, as behind the watchdog.
const functionPort = "8080"

// image returns ref from containerd's store, pulling and unpacking it
// when needed. ref is pinned by digest, so a stored image is never stale.
func (r *Runtime) image(ctx context.Context, ref string) (client.Image, error) {
	img, err := r.client.GetImage(ctx, ref)
	if errdefs.IsNotFound(err) {
		resolver := docker.NewResolver(docker.ResolverOptions{
			Hosts: docker.ConfigureDefaultRegistries(docker.WithPlainHTTP(r.plainHTTP)),
		})
		img, err = r.client.Pull(ctx, ref, client.WithResolver(resolver), client.WithPullUnpack)
		if err != nil {
			return nil, fmt.Errorf("pull %s: %w", ref, err)
		}
		return img, nil
	}
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", ref, err)
	}
	// A store cleaned of snapshots keeps the image but not its layers.
	if ok, err := img.IsUnpacked(ctx, ""); err != nil || !ok {
		if err := img.Unpack(ctx, ""); err != nil {
			return nil, fmt.Errorf("unpack %s: %w", ref, err)
		}
	}
	return img, nil
}

func (r *Runtime) plainHTTP(host string) (bool, error) {
	return slices.Contains(r.cfg.PlainHTTP, host), nil
}

// start creates one container of fn from img, joins it to the bridge and
// starts it. It does not wait for it to be ready. On failure nothing of it
// is left.
func (r *Runtime) start(ctx context.Context, fn localfaas.Function, img client.Image, hash string) (_ *instance, err error) {
	id, err := containerID(fn.Name())
	if err != nil {
		return nil, err
	}
	in := &instance{id: id, config: hash}
	defer func() {
		if err != nil {
			r.cleanup(context.WithoutCancel(ctx), id)
		}
	}()

	secrets, err := r.writeSecrets(id, fn.Deployment.Secrets)
	if err != nil {
		return nil, err
	}
	etc, err := r.etc.write(r.cfg.DataDir, id, fn.Name())
	if err != nil {
		return nil, err
	}
	opts, err := specOpts(fn, img, secrets, etc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", localfaas.ErrNotStarted, err)
	}
	in.container, err = r.client.NewContainer(ctx, id,
		client.WithImage(img),
		client.WithNewSnapshot(id, img),
		client.WithNewSpec(opts...),
		client.WithContainerLabels(map[string]string{labelFunction: fn.Name(), labelConfig: hash}),
	)
	if err != nil {
		return nil, fmt.Errorf("create container %s: %w", id, err)
	}
	task, err := in.container.NewTask(ctx, cio.LogFile(logPath(r.cfg.DataDir, id)))
	if err != nil {
		return nil, fmt.Errorf("create task %s: %w", id, err)
	}
	ip, err := r.attach(ctx, id, task.Pid())
	if err != nil {
		return nil, err
	}
	if err := r.etc.address(r.cfg.DataDir, id, fn.Name(), net.ParseIP(ip)); err != nil {
		return nil, err
	}
	in.addr = net.JoinHostPort(ip, functionPort)
	// The address is kept on the container so that a restarted runtime
	// can reach it again.
	if _, err := in.container.SetLabels(ctx, map[string]string{labelAddr: in.addr}); err != nil {
		return nil, fmt.Errorf("label container %s: %w", id, err)
	}
	if err := task.Start(ctx); err != nil {
		return nil, fmt.Errorf("start container %s: %w", id, err)
	}
	r.log.Info("container started", "function", fn.Name(), "container", id, "addr", in.addr, "ref", fn.Ref)
	return in, nil
}

// waitReady waits until in answers /_/health. A container that exits or
// stays silent past StartTimeout is an error wrapping
// localfaas.ErrNotStarted, with the end of its output.
func (r *Runtime) waitReady(ctx context.Context, in *instance) error {
	task, err := in.container.Task(ctx, nil)
	if err != nil {
		return fmt.Errorf("task of %s: %w", in.id, err)
	}
	exited, err := task.Wait(ctx)
	if err != nil {
		return fmt.Errorf("wait for %s: %w", in.id, err)
	}
	began := time.Now()
	deadline := time.NewTimer(r.cfg.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if r.healthy(ctx, in) {
			return nil
		}
		select {
		case st := <-exited:
			return r.exitedEarly(ctx, task, in, st, time.Since(began))
		case <-deadline.C:
			// A probe of a container that is gone can take its whole
			// timeout, so the exit and the deadline may both be due: the
			// exit says more.
			select {
			case st := <-exited:
				return r.exitedEarly(ctx, task, in, st, time.Since(began))
			default:
			}
			return fmt.Errorf("%w: it did not answer GET /_/health on port %s within %s%s",
				localfaas.ErrNotStarted, functionPort, r.cfg.StartTimeout, r.lastOutput(in.id))
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// exitedEarly is the error of a container that exited after ran, before
// it was ready, with the end of its output.
func (r *Runtime) exitedEarly(ctx context.Context, task client.Task, in *instance, st client.ExitStatus, ran time.Duration) error {
	// The shim copies the output into the log file; deleting the task
	// waits until the copy is flushed.
	if _, err := task.Delete(ctx); err != nil && !errdefs.IsNotFound(err) {
		r.log.Warn("delete exited task", "container", in.id, "err", err)
	}
	// On a busy machine the copy may still trail the exit: it gets as
	// long as a start would have had. Only a container that printed
	// nothing waits all of it.
	waitForOutput(logPath(r.cfg.DataDir, in.id), r.cfg.StartTimeout)
	return fmt.Errorf("%w: its container exited with code %d after %s%s",
		localfaas.ErrNotStarted, st.ExitCode(), ran.Round(time.Millisecond), r.lastOutput(in.id))
}

// healthy asks the function's /_/health, as the watchdog's probe does.
func (r *Runtime) healthy(ctx context.Context, in *instance) bool {
	req, err := newRequest(ctx, "http://"+in.addr+"/_/health")
	if err != nil {
		return false
	}
	res, err := r.probe.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode >= 200 && res.StatusCode < 300
}

// lastOutput is the end of a container's output, for error messages.
func (r *Runtime) lastOutput(id string) string {
	const max = 2048
	b, err := os.ReadFile(logPath(r.cfg.DataDir, id))
	if err != nil || len(b) == 0 {
		return " (no output)"
	}
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return "; last output: " + string(b)
}

// waitForOutput waits, at most max, until the file at path holds
// something.
func waitForOutput(path string, max time.Duration) {
	for deadline := time.Now().Add(max); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
	}
}

// writeSecrets writes the named secrets into the container's own
// directory, which is mounted read-only at /var/openfaas/secrets.
func (r *Runtime) writeSecrets(id string, names []string) (string, error) {
	if len(names) == 0 {
		return "", nil
	}
	dir := filepath.Join(secretsRoot(r.cfg.DataDir), id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("secrets of %s: %w", id, err)
	}
	for _, name := range names {
		v, ok := r.cfg.Secrets.Secret(name)
		if !ok {
			return "", fmt.Errorf("%w: unable to find secret: %s", localfaas.ErrNotStarted, name)
		}
		// Readable by any user: the function's image may not run as root.
		if err := os.WriteFile(filepath.Join(dir, name), v, 0o444); err != nil {
			return "", fmt.Errorf("secret %s of %s: %w", name, id, err)
		}
	}
	return dir, nil
}

// containerID names a new container of a function: the name plus a
// random suffix, since old and new containers live side by side during
// an update.
func containerID(name string) (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", errors.New("container id: no randomness")
	}
	return name + "." + hex.EncodeToString(b), nil
}

func logPath(dataDir, id string) string { return filepath.Join(logsRoot(dataDir), id+".log") }

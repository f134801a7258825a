package containerd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ofcbuild/ofc/localfaas"
)

// secretsMount is where OpenFaaS functions read their secrets.
const secretsMount = "/var/openfaas/secrets"

// cpuPeriod is the CFS period CPU limits are expressed in (100ms).
const cpuPeriod = 100_000

// specOpts turns a deployment into the container's OCI spec: the image's
// own configuration, then the deployment's environment, /etc/hosts and
// /etc/resolv.conf, limits, secrets and read-only root.
func specOpts(fn localfaas.Function, img client.Image, secretsDir string, etc []specs.Mount) ([]oci.SpecOpts, error) {
	d := fn.Deployment
	opts := []oci.SpecOpts{
		oci.WithImageConfig(img),
		oci.WithHostname(fn.Name()),
		oci.WithEnv(environment(fn)),
		oci.WithMounts(etc),
	}
	if d.Limits != nil {
		if d.Limits.Memory != "" {
			b, err := memoryBytes(d.Limits.Memory)
			if err != nil {
				return nil, err
			}
			opts = append(opts, oci.WithMemoryLimit(b))
		}
		if d.Limits.CPU != "" {
			quota, err := cpuQuota(d.Limits.CPU)
			if err != nil {
				return nil, err
			}
			opts = append(opts, oci.WithCPUCFS(quota, cpuPeriod))
		}
	}
	if secretsDir != "" {
		opts = append(opts, oci.WithMounts([]specs.Mount{{
			Destination: secretsMount, Type: "bind", Source: secretsDir,
			Options: []string{"rbind", "ro"},
		}}))
	}
	if d.ReadOnlyRootFilesystem {
		// As faasd does: a read-only function still gets a scratch /tmp.
		opts = append(opts, oci.WithRootFSReadonly(), oci.WithMounts([]specs.Mount{{
			Destination: "/tmp", Type: "tmpfs", Source: "tmpfs",
			Options: []string{"nosuid", "nodev", "mode=1777", "size=64m"},
		}}))
	}
	return opts, nil
}

// environment is the deployment's variables, sorted so that the same
// deployment always gives the same container, plus fprocess.
func environment(fn localfaas.Function) []string {
	d := fn.Deployment
	var env []string
	if d.EnvProcess != "" {
		env = append(env, "fprocess="+d.EnvProcess)
	}
	for _, k := range slices.Sorted(maps.Keys(d.EnvVars)) {
		env = append(env, k+"="+d.EnvVars[k])
	}
	return env
}

// configHash identifies what a container is started with: image, command,
// environment, limits, secrets (their values too), root mode and etc, what
// its /etc/hosts and /etc/resolv.conf depend on. Labels and annotations
// are left out: they change no container.
func configHash(fn localfaas.Function, secrets Secrets, etc string) (string, error) {
	d := fn.Deployment
	sec := map[string]string{}
	for _, name := range d.Secrets {
		v, ok := secrets.Secret(name)
		if !ok {
			return "", fmt.Errorf("%w: unable to find secret: %s", localfaas.ErrNotStarted, name)
		}
		sum := sha256.Sum256(v)
		sec[name] = hex.EncodeToString(sum[:])
	}
	b, err := json.Marshal(struct {
		Ref      string
		Env      []string
		Limits   any
		Secrets  map[string]string
		ReadOnly bool
		Etc      string
	}{fn.Ref, environment(fn), d.Limits, sec, d.ReadOnlyRootFilesystem, etc})
	if err != nil {
		return "", fmt.Errorf("config of %s: %w", fn.Name(), err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12]), nil
}

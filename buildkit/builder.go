// Package buildkit builds function images with a BuildKit daemon: a solve
// with the Dockerfile frontend that pushes the image to the registry,
// while the daemon's progress becomes the build's log.
package buildkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/docker/cli/cli/config/configfile"
	"github.com/docker/cli/cli/config/types"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/tonistiigi/fsutil"
	"golang.org/x/sync/errgroup"
)

// Config says how to reach buildkitd and where images go.
type Config struct {
	// Addr is buildkitd's address: "unix:///run/buildkit/buildkitd.sock"
	// or "tcp://buildkitd:1234".
	Addr string
	// Insecure pushes to the registry over plain HTTP.
	Insecure bool
	// Parallel bounds how many builds run at once through this Builder,
	// across all the builds of the process; 0 means no bound.
	Parallel int
	// CABundle, PEM certificates, is handed to every build as the build
	// secret CABundleSecret, for package registries behind a TLS proxy or
	// with an internal CA; nil hands none. The shipped templates point
	// npm, pip and the go command at it when it is there.
	CABundle []byte
	// Registry, Username and Password are the credentials buildkitd
	// pushes to Registry (a host, "registry.example.com") with, and pulls
	// base images from it with; both empty push anonymously.
	Registry, Username, Password string
	// NoCache ignores BuildKit's layer cache, as `docker build --no-cache`
	// does: every step runs again. Cache mounts (RUN --mount=type=cache,
	// such as the npm cache or Go's module and build caches) keep their
	// contents. For measuring cold builds; the service leaves it off.
	NoCache bool
	// CacheRef names, for a function's image reference, the registry
	// reference its build cache is kept under, which every builder
	// imports from and exports to ("" for none); nil keeps no cache but
	// buildkitd's own.
	CacheRef func(image string) string
	// CacheExists reports whether the cache at a CacheRef is there to
	// import; nil imports it whatever (a missing one is then an ERROR
	// line in the build's log, not a failure).
	CacheExists func(ctx context.Context, ref string) bool
}

// Builder builds and pushes images with buildkitd. It implements
// pipeline.ImageBuilder and is safe for concurrent use.
type Builder struct {
	cfg   Config
	c     *client.Client
	slots chan struct{}
}

var _ pipeline.ImageBuilder = (*Builder)(nil)

// New returns a Builder for cfg. It does not wait for buildkitd: use Ping
// to check that it answers.
func New(ctx context.Context, cfg Config) (*Builder, error) {
	if cfg.Addr == "" {
		return nil, errors.New("buildkit: address is empty")
	}
	c, err := client.New(ctx, cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("buildkit: connect to %s: %w", cfg.Addr, err)
	}
	b := &Builder{cfg: cfg, c: c}
	if cfg.Parallel > 0 {
		b.slots = make(chan struct{}, cfg.Parallel)
	}
	return b, nil
}

// Close closes the connection to buildkitd.
func (b *Builder) Close() error { return b.c.Close() }

// Ping checks that buildkitd answers and has a worker to build with. Its
// error is Transient.
func (b *Builder) Ping(ctx context.Context) error {
	workers, err := b.c.ListWorkers(ctx)
	if err != nil {
		return pipeline.Transient(fmt.Errorf("buildkit %s: list workers: %w", b.cfg.Addr, err))
	}
	if len(workers) == 0 {
		return pipeline.Transient(fmt.Errorf("buildkit %s: no workers", b.cfg.Addr))
	}
	return nil
}

// Build builds spec's Dockerfile in spec.ContextDir with spec.BuildArgs,
// pushes the image to spec.Image and returns the pushed manifest's digest.
// The daemon's progress goes to log as plain text. An error is Transient
// when buildkitd or the registry could not be reached, or ctx was
// cancelled; any other error is the build's own, and its message ends with
// the failed step's last output lines.
func (b *Builder) Build(ctx context.Context, spec pipeline.FunctionSpec, log io.Writer) (string, error) {
	opt, err := b.solveOpt(spec)
	if err != nil {
		return "", err
	}
	opt.CacheImports = b.cacheImports(ctx, spec)
	if err := b.acquire(ctx, log); err != nil {
		return "", pipeline.Transient(fmt.Errorf("build %s: wait for a free build slot: %w", spec.Image, err))
	}
	defer b.release()

	st := newSteps()
	ch := make(chan *client.SolveStatus)
	var resp *client.SolveResponse
	eg, ectx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		var err error
		resp, err = b.c.Solve(ectx, nil, opt, ch)
		return err
	})
	eg.Go(func() error { return follow(ectx, ch, log, st) })
	if err := eg.Wait(); err != nil {
		return "", solveError(ctx, spec.Image, err, st)
	}

	digest := resp.ExporterResponse["containerimage.digest"]
	if digest == "" {
		return "", fmt.Errorf("build %s: buildkitd reported no image digest", spec.Image)
	}
	if d, ok := st.export.took(); ok {
		if t := pipeline.BuildTraceFrom(ctx); t != nil && t.Pushed != nil {
			t.Pushed(d)
		}
	}
	return digest, nil
}

// solveOpt describes the build of spec: the Dockerfile frontend reading
// the context directory, and an image export that pushes.
func (b *Builder) solveOpt(spec pipeline.FunctionSpec) (client.SolveOpt, error) {
	if spec.Image == "" || spec.ContextDir == "" {
		return client.SolveOpt{}, fmt.Errorf("build %s: function spec needs an image and a context directory", spec.Name)
	}
	dockerfile := spec.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	// The path comes from the user's stack file: it must stay inside the
	// build context.
	if !filepath.IsLocal(dockerfile) {
		return client.SolveOpt{}, fmt.Errorf("build %s: dockerfile %q is outside the build context", spec.Image, spec.Dockerfile)
	}
	contextFS, err := fsutil.NewFS(spec.ContextDir)
	if err != nil {
		return client.SolveOpt{}, fmt.Errorf("build %s: context: %w", spec.Image, err)
	}
	dockerfileFS, err := fsutil.NewFS(filepath.Join(spec.ContextDir, filepath.Dir(dockerfile)))
	if err != nil {
		return client.SolveOpt{}, fmt.Errorf("build %s: dockerfile directory: %w", spec.Image, err)
	}

	attrs := map[string]string{"filename": filepath.Base(dockerfile)}
	if b.cfg.NoCache {
		// The Dockerfile frontend's no-cache with no stage names ignores
		// the cache for every stage.
		attrs["no-cache"] = ""
	}
	for k, v := range spec.BuildArgs {
		attrs["build-arg:"+k] = v
	}
	// The image exporter pushes one image under every name listed.
	names := append([]string{spec.Image}, spec.Aliases...)
	export := map[string]string{"name": strings.Join(names, ","), "push": "true"}
	if b.cfg.Insecure {
		export["registry.insecure"] = "true"
	}
	attach := b.auth()
	if secrets := b.secrets(spec); len(secrets) > 0 {
		// RUN --mount=type=secret,id=<id> reads them through the
		// session; they never enter the image or its cache keys.
		attach = append(attach, secretsprovider.FromMap(secrets))
	}
	mounts := map[string]fsutil.FS{
		"context":    contextFS,
		"dockerfile": dockerfileFS,
	}
	if err := namedContexts(spec, attrs, mounts); err != nil {
		return client.SolveOpt{}, err
	}
	opt := client.SolveOpt{
		Session:       attach,
		Frontend:      "dockerfile.v0",
		FrontendAttrs: attrs,
		LocalMounts:   mounts,
		Exports:       []client.ExportEntry{{Type: client.ExporterImage, Attrs: export}},
	}
	return opt, nil
}

// CABundleSecret is the id of the build secret that holds Config.CABundle.
const CABundleSecret = "ca_bundle"

// secrets are the function's build secrets and the CA bundle; a secret of
// the function's own named like the bundle wins.
func (b *Builder) secrets(spec pipeline.FunctionSpec) map[string][]byte {
	if len(b.cfg.CABundle) == 0 {
		return spec.Secrets
	}
	out := map[string][]byte{CABundleSecret: b.cfg.CABundle}
	maps.Copy(out, spec.Secrets)
	return out
}

// namedContexts replaces the images spec names with local folders: the
// Dockerfile frontend builds a stage FROM such an image out of the folder
// sent through the session.
func namedContexts(spec pipeline.FunctionSpec, attrs map[string]string, mounts map[string]fsutil.FS) error {
	for i, image := range slices.Sorted(maps.Keys(spec.NamedContexts)) {
		dir := spec.NamedContexts[image]
		fsys, err := fsutil.NewFS(dir)
		if err != nil {
			return fmt.Errorf("build %s: context for %s: %w", spec.Image, image, err)
		}
		local := fmt.Sprintf("named-context-%d", i)
		attrs["context:"+image] = "local:" + local
		mounts[local] = fsys
	}
	return nil
}

// auth hands buildkitd the registry's credentials through the build's
// session, as buildctl does from a docker config file: buildkitd asks for
// them per host, and never for another host's.
func (b *Builder) auth() []session.Attachable {
	if b.cfg.Username == "" && b.cfg.Password == "" {
		return nil
	}
	host, _, _ := strings.Cut(b.cfg.Registry, "/")
	cf := configfile.New("")
	cf.AuthConfigs[host] = types.AuthConfig{ServerAddress: host, Username: b.cfg.Username, Password: b.cfg.Password}
	return []session.Attachable{authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{ConfigFile: cf})}
}

// acquire takes one of the Parallel slots, saying so in the log when the
// build has to wait for one.
func (b *Builder) acquire(ctx context.Context, log io.Writer) error {
	if b.slots == nil {
		return nil
	}
	select {
	case b.slots <- struct{}{}:
		return nil
	default:
	}
	fmt.Fprintf(log, "waiting for a free build slot (at most %d builds at once)\n", b.cfg.Parallel)
	select {
	case b.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (b *Builder) release() {
	if b.slots != nil {
		<-b.slots
	}
}

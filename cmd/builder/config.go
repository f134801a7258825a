package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ofcbuild/ofc/access"
	"github.com/ofcbuild/ofc/internal/boot"
	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/source"
	"github.com/ofcbuild/ofc/template"
)

// config is everything cmd/builder reads from the environment; README
// lists each variable with its default.
type config struct {
	boot.Shared
	Name             string
	BuildKitAddr     string
	Registry         string
	RegistryInsecure bool
	RegistryMirror   string // answers for Docker Hub, as buildkitd's mirror
	// RegistryUser and RegistryPassword push images to Registry, and
	// delete them; both empty is anonymous.
	RegistryUser     string
	RegistryPassword string
	GatewayURL       string
	GatewayUser      string
	GatewayPassword  string
	GitHubAPIURL     string
	GitHubToken      string
	// GitHubAppID and GitHubAppKeyFile switch GitHub to App mode:
	// installation tokens for clones, check runs instead of statuses.
	GitHubAppID      int
	GitHubAppKeyFile string
	// GitLabAPIURL and GitLabToken reach GitLab's API, for statuses,
	// merge request notes and clones; without a token GitLab events get
	// no statuses.
	GitLabAPIURL string
	GitLabToken  string
	PublicURL    string
	WorkDir      string
	StackFile    string
	StackFiles   map[string]string
	// ForkPreviews are the repositories, or owners, whose pull requests
	// from forks deploy previews with their secrets.
	ForkPreviews pipeline.Namespaces
	// SecretsDir holds the repositories' build secrets,
	// <dir>/<owner>/<repo>/<id>; "" configures none.
	SecretsDir string
	// WatchdogDir holds the service's watchdogs, of-watchdog/fwatchdog and
	// classic-watchdog/fwatchdog, which builds get in place of OpenFaaS's
	// images; by default the folder watchdog next to the builder.
	WatchdogDir string
	// TemplatesDir holds the installation's own templates; "" for none.
	TemplatesDir string
	// TemplateReposSpec are the installation's template repositories as
	// written, comma-separated URLs with an optional #ref each;
	// TemplateRepos as parsed.
	TemplateReposSpec string
	TemplateRepos     []template.Repository
	// TemplateStoreURL is a template store index (templates.json); ""
	// for none.
	TemplateStoreURL string
	// TemplateCacheDir keeps fetched template repositories, one tree per
	// commit; TemplateRefresh is how long a branch or tag of one is
	// trusted before it is resolved again.
	TemplateCacheDir string
	TemplateRefresh  time.Duration
	// CAFile is a PEM bundle handed to every build (CABundle its
	// contents), for package registries behind a TLS proxy.
	CAFile   string
	CABundle []byte
	// NPMRegistry, PipIndexURL and GoProxy are the package registries of
	// the installation, handed to the templates as build arguments.
	NPMRegistry string
	PipIndexURL string
	GoProxy     string
	Parallelism int
	// LogMaxBytes bounds each stream of a build's stored log.
	LogMaxBytes int
	// LogRetention is how long a finished build keeps its log, and
	// LogKeepBuilds how many of a repository's latest builds keep
	// theirs; 0 turns each rule off.
	LogRetention  time.Duration
	LogKeepBuilds int
	MaxAttempts   int
	// ClaimTimeout is how long a running build may go unheard before
	// another builder takes it over; the queue's ack wait follows it.
	ClaimTimeout  time.Duration
	ReadyTimeout  time.Duration
	ShutdownGrace time.Duration
	// CloneTimeout and CloneMaxBytes bound each clone; BuildTimeout each
	// function's image build.
	CloneTimeout  time.Duration
	CloneMaxBytes int
	BuildTimeout  time.Duration
	// PreviewTTL is how long a preview lives without a push; 0 keeps
	// previews until their branch goes.
	PreviewTTL time.Duration
	// CleanupSpec is the schedule of the stale-preview job as written,
	// CleanupSchedule as parsed.
	CleanupSpec     string
	CleanupSchedule cron.Schedule

	// LinkKey signs the links statuses carry to build pages, read from
	// LinkKeyFile; nil leaves them unsigned. LinkTTL is how long a link
	// opens its build.
	LinkKeyFile string
	LinkKey     []byte
	LinkTTL     time.Duration

	reapSettings
	reconcileSettings
	functionSettings
	cacheSettings
	metricsSettings
}

func readConfig(look envconfig.Lookup) (config, error) {
	r := envconfig.New(look)
	c := config{
		Shared:            boot.ReadShared(r),
		Name:              r.String("OFC_BUILDER_NAME", "builder"),
		BuildKitAddr:      r.String("OFC_BUILDKIT_ADDR", "unix:///run/buildkit/buildkitd.sock"),
		Registry:          r.String("OFC_REGISTRY", "127.0.0.1:5000"),
		RegistryInsecure:  r.Bool("OFC_REGISTRY_INSECURE", true),
		RegistryUser:      r.String("OFC_REGISTRY_USER", ""),
		RegistryPassword:  r.String("OFC_REGISTRY_PASSWORD", ""),
		RegistryMirror:    r.String("OFC_REGISTRY_MIRROR", ""),
		GatewayURL:        r.String("OFC_GATEWAY_URL", "http://127.0.0.1:58080"),
		GatewayUser:       r.String("OFC_GATEWAY_USER", "admin"),
		GatewayPassword:   r.Required("OFC_GATEWAY_PASSWORD", "the gateway's /system API needs basic auth"),
		GitHubAPIURL:      r.String("OFC_GITHUB_API_URL", "https://api.github.com/"),
		GitHubToken:       r.String("OFC_GITHUB_TOKEN", ""),
		GitHubAppID:       r.Int("OFC_GITHUB_APP_ID", 0),
		GitHubAppKeyFile:  r.String("OFC_GITHUB_APP_PRIVATE_KEY_FILE", ""),
		GitLabAPIURL:      r.String("OFC_GITLAB_API_URL", "https://gitlab.com/api/v4"),
		GitLabToken:       r.String("OFC_GITLAB_TOKEN", ""),
		PublicURL:         r.String("OFC_PUBLIC_URL", "http://127.0.0.1:8080"),
		LinkKeyFile:       r.String("OFC_LINK_KEY_FILE", ""),
		LinkTTL:           r.Duration("OFC_LINK_TTL", 30*24*time.Hour),
		WorkDir:           r.String("OFC_WORK_DIR", ""),
		StackFile:         r.String("OFC_STACK_FILE", "stack.yml"),
		StackFiles:        r.Pairs("OFC_STACK_FILES"),
		ForkPreviews:      pipeline.ParseNamespaces(r.String("OFC_FORK_PREVIEWS", "")),
		SecretsDir:        r.String("OFC_BUILD_SECRETS_DIR", ""),
		WatchdogDir:       r.String("OFC_WATCHDOG_DIR", ""),
		TemplatesDir:      r.String("OFC_TEMPLATES_DIR", ""),
		TemplateReposSpec: r.String("OFC_TEMPLATE_REPOS", ""),
		TemplateStoreURL:  r.String("OFC_TEMPLATE_STORE_URL", ""),
		TemplateCacheDir:  r.String("OFC_TEMPLATE_CACHE_DIR", ""),
		TemplateRefresh:   r.Duration("OFC_TEMPLATE_REFRESH", source.DefaultTemplateRefresh),
		CAFile:            r.String("OFC_BUILD_CA_FILE", ""),
		NPMRegistry:       r.String("OFC_NPM_REGISTRY", ""),
		PipIndexURL:       r.String("OFC_PIP_INDEX_URL", ""),
		GoProxy:           r.String("OFC_GOPROXY", ""),
		Parallelism:       r.Int("OFC_BUILD_PARALLELISM", 2),
		LogMaxBytes:       r.Int("OFC_LOG_MAX_BYTES", 4<<20),
		LogRetention:      r.Duration("OFC_LOG_RETENTION", 30*24*time.Hour),
		LogKeepBuilds:     r.Int("OFC_LOG_KEEP_BUILDS", 200),
		MaxAttempts:       r.Int("OFC_MAX_ATTEMPTS", 5),
		ClaimTimeout:      r.Duration("OFC_CLAIM_TIMEOUT", time.Minute),
		ReadyTimeout:      r.Duration("OFC_DEPLOY_READY_TIMEOUT", 2*time.Minute),
		CloneTimeout:      r.Duration("OFC_CLONE_TIMEOUT", 5*time.Minute),
		CloneMaxBytes:     r.Int("OFC_CLONE_MAX_BYTES", 1<<30),
		BuildTimeout:      r.Duration("OFC_BUILD_TIMEOUT", 30*time.Minute),
		ShutdownGrace:     r.Duration("OFC_SHUTDOWN_GRACE", 5*time.Minute),
		PreviewTTL:        r.Duration("OFC_PREVIEW_TTL", 7*24*time.Hour),
		CleanupSpec:       r.String("OFC_CLEANUP_SCHEDULE", "@hourly"),
	}
	sched, err := cron.ParseStandard(c.CleanupSpec)
	if err != nil {
		err = fmt.Errorf("OFC_CLEANUP_SCHEDULE=%q: not a cron schedule such as @hourly or \"0 3 * * *\": %w", c.CleanupSpec, err)
	}
	c.CleanupSchedule = sched
	key, keyErr := access.ReadKey(c.LinkKeyFile)
	c.LinkKey = key
	if c.LinkTTL == 0 {
		keyErr = errors.Join(keyErr, errors.New("OFC_LINK_TTL=0: links would expire as they are made"))
	}
	var dirErr error
	if c.SecretsDir != "" {
		// A mistyped path would otherwise show only as every secret
		// missing, build after build.
		if st, err := os.Stat(c.SecretsDir); err != nil || !st.IsDir() {
			dirErr = fmt.Errorf("OFC_BUILD_SECRETS_DIR=%q: not a directory", c.SecretsDir)
		}
	}
	var appErr error
	if (c.GitHubAppID != 0) != (c.GitHubAppKeyFile != "") {
		appErr = errors.New("OFC_GITHUB_APP_ID and OFC_GITHUB_APP_PRIVATE_KEY_FILE go together: set both for GitHub App mode, or neither")
	}
	var claimErr error
	if c.ClaimTimeout < 4*time.Second {
		claimErr = fmt.Errorf("OFC_CLAIM_TIMEOUT=%s: at least 4s (a heartbeat goes every quarter of it)", c.ClaimTimeout)
	}
	tmplErr := c.readTemplateSettings()
	reapErr := c.readReapSettings(r)
	reconcileErr := c.readReconcileSettings(r)
	fnErr := errors.Join(c.readFunctionSettings(r), c.readCacheSettings(r), c.readMetricsSettings(r))
	return c, errors.Join(r.Err(), err, appErr, keyErr, dirErr, tmplErr, claimErr, reapErr, reconcileErr, fnErr)
}

// Command builder takes build requests off the queue and runs each through
// clone, plan, build, deploy and report. Run as many as there is work for:
// they share one durable consumer.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ofcbuild/ofc/buildkit"
	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/internal/logging"
	"github.com/ofcbuild/ofc/internal/retry"
	"github.com/ofcbuild/ofc/janitor"
	"github.com/ofcbuild/ofc/logs"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/queue"
	"github.com/ofcbuild/ofc/registry"
	"github.com/ofcbuild/ofc/source"
	statusgitlab "github.com/ofcbuild/ofc/status/gitlab"
	"github.com/ofcbuild/ofc/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.LookupEnv); err != nil {
		fmt.Fprintln(os.Stderr, "builder:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, look func(string) (string, bool)) error {
	cfg, err := readConfig(look)
	if err != nil {
		return err
	}
	log := logging.New(os.Stderr, cfg.LogFormat).With("component", "builder", "builder", cfg.Name)

	pool, err := cfg.Postgres(ctx, log)
	if err != nil {
		return err
	}
	defer pool.Close()

	// The ack wait outlasts the claim: a request the queue delivers again
	// after a builder died finds the build's claim stale, and takes it.
	q, err := cfg.Queue(ctx, log, queue.Config{MaxDeliver: cfg.MaxAttempts, Name: "ofc-" + cfg.Name, Concurrency: cfg.Builds,
		AckWait: cfg.ClaimTimeout + cfg.ClaimTimeout/2})
	if err != nil {
		return err
	}
	defer q.Close()

	reg, err := registry.New(registry.Config{Host: cfg.Registry, Insecure: cfg.RegistryInsecure,
		Username: cfg.RegistryUser, Password: cfg.RegistryPassword, Mirror: cfg.RegistryMirror})
	if err != nil {
		return err
	}
	bk, err := buildkit.New(ctx, buildkit.Config{Addr: cfg.BuildKitAddr, Insecure: cfg.RegistryInsecure, Parallel: cfg.Parallelism,
		Registry: cfg.Registry, Username: cfg.RegistryUser, Password: cfg.RegistryPassword, CABundle: cfg.CABundle,
		CacheRef: cfg.cacheRef(reg), CacheExists: func(ctx context.Context, ref string) bool {
			_, ok, err := reg.Exists(ctx, ref)
			// Not knowing, import it: a missing cache only costs a line.
			return ok || err != nil
		}})
	if err != nil {
		return err
	}
	defer bk.Close()
	if _, err := retry.Value(ctx, log, "buildkitd", cfg.StartupWait, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, bk.Ping(ctx)
	}); err != nil {
		return err
	}

	gw, err := deploy.New(deploy.Config{GatewayURL: cfg.GatewayURL, Username: cfg.GatewayUser, Password: cfg.GatewayPassword})
	if err != nil {
		return err
	}
	reporter, err := githubForge(cfg)
	if err != nil {
		return err
	}
	reporter.gitlabClone = staticToken(cfg.GitLabToken)
	if cfg.GitLabToken != "" {
		gitlab, err := statusgitlab.New(statusgitlab.Config{BaseURL: cfg.GitLabAPIURL, Token: statusgitlab.StaticToken(cfg.GitLabToken)})
		if err != nil {
			return err
		}
		reporter.gitlab = gitlab
	}

	st := store.New(pool)
	red := redactor(cfg)
	recorder := logs.New(logs.Config{Store: st, Publisher: q, Redactor: red, MaxBytes: cfg.LogMaxBytes, Logger: log})
	git := source.New(source.Config{Tokens: redactedTokens{reporter, red}, Hosts: cloneHosts(cfg),
		Timeout: cfg.CloneTimeout, MaxBytes: int64(cfg.CloneMaxBytes)})
	templateFetcher, templateStore := cfg.templateSources(git)
	observer, err := cfg.serveMetrics(ctx, log)
	if err != nil {
		return err
	}
	runner, err := pipeline.NewRunner(pipeline.RunnerConfig{
		Store:   st,
		Source:  git,
		History: git,
		Planner: plan.New(plan.Config{ImageRef: reg.Ref, StackFile: cfg.StackFile, StackFiles: cfg.StackFiles,
			BuildArgs: cfg.buildArgs(), Watchdogs: cfg.watchdogs(), TemplatesDir: cfg.TemplatesDir,
			TemplateFetcher: templateFetcher, TemplateStore: templateStore, TemplateRepos: cfg.TemplateRepos,
			FunctionsGatewayURL: cfg.FunctionsGatewayURL, PlainNames: cfg.PlainNames}),
		Builder:      bk,
		Deployer:     gw,
		Reporter:     reporter,
		Logs:         recorder,
		Redact:       red.Redact,
		Logger:       log,
		Deployments:  st,
		Remover:      remover{gw, reg},
		Commenter:    reporter,
		ForkPreviews: cfg.ForkPreviews,
		Secrets:      buildSecrets(cfg, red),
		Images:       reg,
		Built:        st,
		Retagger:     reg,
		Cache:        bk,
		Observer:     observer,
		FunctionURL: func(name string) string {
			return strings.TrimRight(cfg.GatewayURL, "/") + "/function/" + name
		},
		WorkDir:       cfg.WorkDir,
		BuildSlots:    cfg.Parallelism,
		ReadyTimeout:  cfg.ReadyTimeout,
		BuildTimeout:  cfg.BuildTimeout,
		ClaimTimeout:  cfg.ClaimTimeout,
		StatusContext: "ofc",
		TargetURL:     statusLink(cfg),
	})
	if err != nil {
		return err
	}
	heads, err := newBranchHeads(cfg, reporter)
	if err != nil {
		return err
	}
	jan, err := janitor.New(janitor.Config{Claimer: st, Previews: st, Remover: remover{gw, reg},
		Schedule: cfg.CleanupSchedule, TTL: cfg.PreviewTTL, Name: cfg.Name, Logger: log,
		Logs: st, LogMaxAge: cfg.LogRetention, LogKeepBuilds: cfg.LogKeepBuilds,
		Builds: st, Requests: q, ReapSchedule: cfg.ReapSchedule, ReapAfter: cfg.ReapAfter, MaxReaps: cfg.MaxReaps,
		Reporter: reporter, StatusContext: "ofc", TargetURL: statusLink(cfg),
		Branches: st, Heads: heads, Events: st, Queue: q, ReconcileSchedule: cfg.ReconcileSchedule, ReconcileWindow: cfg.ReconcileWindow})
	if err != nil {
		return err
	}
	janitorCtx, stopJanitor := context.WithCancel(ctx)
	janitorDone := make(chan struct{})
	go func() { defer close(janitorDone); _ = jan.Run(janitorCtx) }()
	// The run in progress finishes with the database still open.
	defer func() { stopJanitor(); <-janitorDone }()
	log.Info("waiting for builds", "stream", cfg.QueueStream)
	// A stop signal ends the fetching of new requests at once, while the
	// build in hand gets ShutdownGrace to finish and settle its delivery;
	// cut short, it is redelivered and reclaimed once its heartbeat is stale.
	buildCtx, cancelBuilds := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBuilds()
	stopAfterGrace := context.AfterFunc(ctx, func() {
		log.Info("stopping: finishing the build in hand", "grace", cfg.ShutdownGrace)
		time.AfterFunc(cfg.ShutdownGrace, cancelBuilds)
	})
	defer stopAfterGrace()
	err = q.Consume(ctx, log, func(_ context.Context, d pipeline.Delivery) { runner.Handle(buildCtx, d) })
	if err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// remover removes previews: functions through the gateway, images from
// the registry.
type remover struct {
	*deploy.Client
	*registry.Registry
}

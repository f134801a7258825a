package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// result is one build's delays, from print to arrival, by line number, at
// each place a line is read.
type result struct {
	printed int
	// chunks is how many chunks the recorder stored.
	chunks int
	// builder is BuildKit's delivery to the builder process; stored and
	// published the recorder's two steps; live the SSE follower's
	// arrival; polled the JSON poller's.
	builder, stored, published, live, polled map[int]time.Duration
}

// bench runs measured builds through the services.
type bench struct {
	s    *services
	http *http.Client
	opts options
	// pushed are the images the builds pushed, for cleanup.
	pushed []string
}

// once runs one build whose RUN step prints lines marked with a new
// nonce, with a live follower and a poller reading its log from the
// start, and ends it as the builder's runner does.
func (b *bench) once(ctx context.Context, lines int) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.buildTimeout)
	defer cancel()
	var raw [20]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return result{}, fmt.Errorf("nonce: %w", err)
	}
	commit := hex.EncodeToString(raw[:])
	nonce := commit[:12]
	id, err := b.recordBuild(ctx, commit)
	if err != nil {
		return result{}, err
	}
	dir, err := os.MkdirTemp("", "bench-livelog-")
	if err != nil {
		return result{}, fmt.Errorf("build context: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return result{}, fmt.Errorf("build context: %w", err)
	}

	atBuilder, atLive, atPoll := newArrivals(nonce), newArrivals(nonce), newArrivals(nonce)
	atStored, atPublished := newArrivals(nonce), newArrivals(nonce)
	b.s.stored.watch(id, atStored)
	b.s.published.watch(id, atPublished)
	logURL := b.s.api.URL + "/api/builds/" + strconv.FormatInt(id, 10) + "/logs"
	f, err := openFollow(ctx, b.http, logURL, atLive)
	if err != nil {
		return result{}, err
	}
	liveDone, pollDone := make(chan error, 1), make(chan error, 1)
	go func() { liveDone <- f.read() }()
	go func() { pollDone <- poll(ctx, b.http, logURL, b.opts.poll, atPoll) }()

	spec := pipeline.FunctionSpec{
		Name: "lines", Image: b.s.reg.Ref("bench", "livelog", "lines", commit), ContextDir: dir,
		BuildArgs: map[string]string{
			"NONCE": nonce, "LINES": strconv.Itoa(lines),
			"INTERVAL_US": strconv.FormatInt(b.opts.interval.Microseconds(), 10),
		},
	}
	b.pushed = append(b.pushed, spec.Image)
	lw := pipeline.NewLineWriter(ctx, b.s.recorder, id, spec.Name, pipeline.StepBuild)
	_, buildErr := b.s.bk.Build(ctx, spec, &tap{next: lw, at: atBuilder})
	_ = lw.Close()

	// As the runner ends a build: the last lines stored, then the final
	// state, then the news of the end published.
	state, step, msg := pipeline.Success, pipeline.Step(""), ""
	if buildErr != nil {
		state, step, msg = pipeline.Failure, pipeline.StepBuild, buildErr.Error()
	}
	b.s.recorder.Flush(ctx, id, false)
	finishErr := b.s.builder.FinishBuild(ctx, id, state, step, msg)
	b.s.recorder.Flush(ctx, id, true)
	if err := errors.Join(buildErr, finishErr); err != nil {
		return result{}, err
	}
	if err := errors.Join(<-liveDone, <-pollDone); err != nil {
		return result{}, fmt.Errorf("build %d: %w", id, err)
	}
	return result{printed: lines, chunks: b.s.stored.count(id), builder: atBuilder.lags(), stored: atStored.lags(), published: atPublished.lags(),
		live: atLive.lags(), polled: atPoll.lags()}, nil
}

// recordBuild records a push and claims its build, as the webhook and
// then a builder do, so that the read side finds a running build of a
// public repository.
func (b *bench) recordBuild(ctx context.Context, commit string) (int64, error) {
	build, _, err := b.s.builder.RecordEvent(ctx, pipeline.Event{
		DeliveryID: "bench-livelog-" + commit,
		Kind:       pipeline.Push,
		Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: "bench", Name: "livelog",
			CloneURL: "https://github.com/bench/livelog.git", DefaultBranch: "main"},
		Ref: "refs/heads/main", Branch: "main", Commit: commit, ReceivedAt: time.Now().UTC(),
	})
	if err != nil {
		return 0, err
	}
	c, err := b.s.builder.ClaimBuild(ctx, build.ID, time.Minute)
	if err != nil {
		return 0, err
	}
	if !c.Won {
		return 0, fmt.Errorf("claim build %d: already taken", build.ID)
	}
	return build.ID, nil
}

// removeImages deletes what the builds pushed from the registry.
func (b *bench) removeImages(ctx context.Context) error {
	var errs []error
	for _, ref := range b.pushed {
		errs = append(errs, b.s.reg.Delete(ctx, ref))
	}
	return errors.Join(errs...)
}

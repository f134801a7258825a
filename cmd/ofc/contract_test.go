package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/pipeline"
)

// liveBuild is one private build whose log grows while ofc follows it,
// served by the API's own handlers: the test of the client against the
// server, not against this package's idea of it.
type liveBuild struct {
	mu    sync.Mutex
	build pipeline.Build
	lines []pipeline.LogLine
	subs  []chan pipeline.LogBatch
}

func (b *liveBuild) ListBuilds(_ context.Context, owner, repo string, _ int) ([]pipeline.Build, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if owner+"/"+repo != b.build.Repo.FullName() {
		return nil, nil
	}
	return []pipeline.Build{b.build}, nil
}

func (b *liveBuild) GetBuild(_ context.Context, id int64) (pipeline.Build, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if id != b.build.ID {
		return pipeline.Build{}, pipeline.ErrNotFound
	}
	return b.build, nil
}

func (b *liveBuild) ReadLog(_ context.Context, _ int64, function *string, after int64, limit int) ([]pipeline.LogLine, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []pipeline.LogLine
	for _, l := range b.lines {
		if l.Seq > after && (function == nil || *function == l.Function) && (limit <= 0 || len(out) < limit) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (b *liveBuild) FollowLog(context.Context, int64) (<-chan pipeline.LogBatch, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan pipeline.LogBatch, 64)
	b.subs = append(b.subs, ch)
	return ch, nil
}

func (b *liveBuild) CanReadRepo(r *http.Request, _ pipeline.Repo) bool {
	return r.Header.Get("Authorization") == "Bearer ok"
}

func (b *liveBuild) CanReadBuild(r *http.Request, _ pipeline.Build) bool {
	return b.CanReadRepo(r, pipeline.Repo{})
}

// change applies f under the lock, then publishes the batch it returns:
// the builder stores first and publishes after.
func (b *liveBuild) change(f func() pipeline.LogBatch) {
	b.mu.Lock()
	batch, subs := f(), b.subs
	b.mu.Unlock()
	for _, s := range subs {
		s <- batch
	}
}

func (b *liveBuild) log(fn string, step pipeline.Step, text string) {
	b.change(func() pipeline.LogBatch {
		l := logLine(int64(len(b.lines)+1), fn, step, text)
		b.lines = append(b.lines, l)
		return pipeline.LogBatch{Lines: []pipeline.LogLine{l}}
	})
}

// end records the build's final state and publishes the news.
func (b *liveBuild) end(state pipeline.State) {
	b.change(func() pipeline.LogBatch { b.build.State = state; return pipeline.LogBatch{End: true} })
}

func (b *liveBuild) followers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

func serveAPI(t *testing.T, b *liveBuild) string {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/builds", api.ListBuilds(b, b, log))
	mux.HandleFunc("GET /api/builds/{id}/logs", api.BuildLogs(api.LogsConfig{Builds: b, Logs: b, Live: b, Access: b, Logger: log, Recheck: time.Second}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAgainstTheAPI(t *testing.T) {
	b := &liveBuild{build: pipeline.Build{ID: 3, Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: "alice", Name: "fns"},
		Kind: pipeline.Push, Branch: "main", Commit: "0123456789", State: pipeline.Running, CreatedAt: t0.Add(-time.Minute), StartedAt: at(-time.Minute)}}
	url := serveAPI(t, b)
	env := map[string]string{"OFC_URL": url, "OFC_TOKEN": "ok"}

	got := runOfc(t, env, "builds", "alice/fns")
	wantResult(t, got, 0, ""+
		"ID  STATE    REF   COMMIT   AGE  TOOK   MESSAGE\n"+
		"3   running  main  0123456  1m   1m00s\n")

	b.log("", pipeline.StepClone, "cloned")
	got = runOfc(t, map[string]string{"OFC_URL": url}, "logs", "3")
	wantResult(t, got, exitAPI, "")
	wantStderr(t, got, "no such build (404 Not Found)")

	done := make(chan result)
	go func() { done <- runOfc(t, env, "logs", "3", "--follow") }()
	for b.followers() == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 1; i <= 3; i++ {
		b.log("hello", pipeline.StepBuild, fmt.Sprint("step ", i))
	}
	b.end(pipeline.Success)
	got = <-done
	wantResult(t, got, 0, ""+
		"12:00:01 clone   | cloned\n"+
		"12:00:02 [hello] build   | step 1\n"+
		"12:00:03 [hello] build   | step 2\n"+
		"12:00:04 [hello] build   | step 3\n")
	wantStderr(t, got, "build 3 ended: success")

	got = runOfc(t, env, "logs", "3", "--function", "hello")
	if got.code != 0 || strings.Count(got.stdout, "\n") != 3 || got.stderr != "" {
		t.Errorf("stored log of hello: %+v", got)
	}
}

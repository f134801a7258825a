package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/api"
	"github.com/ofcbuild/ofc/api/apitest"
	"github.com/ofcbuild/ofc/pipeline"
)

// serveAPI serves b with the API's own handlers: the test of the client
// against the server, not against this package's idea of it.
func serveAPI(t *testing.T, b *apitest.LiveBuild) string {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/builds", api.ListBuilds(b, b, log))
	mux.HandleFunc("GET /api/builds/{id}/logs", api.BuildLogs(api.LogsConfig{Builds: b, Logs: b, Live: b, Access: b, Logger: log, Recheck: time.Second}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAgainstTheAPI(t *testing.T) {
	b := apitest.New(pipeline.Build{ID: 3, Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: "alice", Name: "fns", Private: true},
		Kind: pipeline.Push, Branch: "main", Commit: "0123456789", State: pipeline.Running, CreatedAt: t0.Add(-time.Minute), StartedAt: at(-time.Minute)})
	b.Token = "ok"
	b.Clock = func(seq int64) time.Time { return logLine(seq, "", "", "").Time }
	url := serveAPI(t, b)
	env := map[string]string{"OFC_URL": url, "OFC_TOKEN": "ok"}

	got := runOfc(t, env, "builds", "alice/fns")
	wantResult(t, got, 0, ""+
		"ID  STATE    REF   COMMIT   AGE  TOOK   MESSAGE\n"+
		"3   running  main  0123456  1m   1m00s\n")

	b.Log("", pipeline.StepClone, "cloned")
	got = runOfc(t, map[string]string{"OFC_URL": url}, "logs", "3")
	wantResult(t, got, exitAPI, "")
	wantStderr(t, got, "no such build (404 Not Found)")

	done := make(chan result)
	go func() { done <- runOfc(t, env, "logs", "3", "--follow") }()
	for b.Followers() == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 1; i <= 3; i++ {
		b.Log("hello", pipeline.StepBuild, fmt.Sprint("step ", i))
	}
	b.End(pipeline.Success)
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

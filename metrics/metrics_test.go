package metrics

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ofcbuild/ofc/pipeline"
)

func scrape(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// What the runner tells the observer comes out of /metrics as series a
// dashboard can use: a histogram per stage, push to live, and counters
// of builds and functions by outcome, reused and unchanged included.
func TestTheHandlerServesWhatWasObserved(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.StageDone(pipeline.StageQueue, "", 30*time.Millisecond, true)
	m.StageDone(pipeline.StageClone, "", 100*time.Millisecond, true)
	m.StageDone(pipeline.StageBuild, "built", 2*time.Second, true)
	m.StageDone(pipeline.StageBuild, "reused", 10*time.Millisecond, true)
	m.StageDone(pipeline.StageBuild, "built", time.Second, false)
	m.StageDone(pipeline.StagePush, "", 300*time.Millisecond, true)
	m.StageDone(pipeline.StageDeploy, "unchanged", 5*time.Millisecond, true)
	m.Live(1500 * time.Millisecond)
	m.BuildDone(pipeline.Push, pipeline.Success)
	m.FunctionDone(pipeline.FunctionOutcome{State: pipeline.Success, Image: "reused", Deploy: "unchanged"})
	m.FunctionDone(pipeline.FunctionOutcome{State: pipeline.Failure})

	code, body := scrape(t, Handler(reg), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="queue"} 1`,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="clone"} 1`,
		`ofc_builder_stage_duration_seconds_count{how="built",result="ok",stage="build"} 1`,
		`ofc_builder_stage_duration_seconds_sum{how="built",result="ok",stage="build"} 2`,
		`ofc_builder_stage_duration_seconds_count{how="built",result="failed",stage="build"} 1`,
		`ofc_builder_stage_duration_seconds_count{how="reused",result="ok",stage="build"} 1`,
		`ofc_builder_stage_duration_seconds_bucket{how="reused",result="ok",stage="build",le="0.025"} 1`,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="push"} 1`,
		`ofc_builder_stage_duration_seconds_count{how="unchanged",result="ok",stage="deploy"} 1`,
		`ofc_builder_push_to_live_seconds_count 1`,
		`ofc_builder_push_to_live_seconds_sum 1.5`,
		`ofc_builder_builds_total{kind="push",state="success"} 1`,
		`ofc_builder_functions_total{deploy="unchanged",image="reused",state="success"} 1`,
		`ofc_builder_functions_total{deploy="none",image="none",state="failure"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, body := scrape(t, Handler(reg), "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
}

// Serve fails at once on an address it cannot listen on, and stops with
// its context.
func TestServeListensUntilItsContextEnds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := Serve(context.Background(), log, addr, Handler(prometheus.NewRegistry())); err == nil {
		t.Error("Serve on an address in use did not fail")
	}
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	if err := Serve(ctx, log, addr, Handler(prometheus.NewRegistry())); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %s", resp.Status)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("still serving after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

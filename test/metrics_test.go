package test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

// scrapeMetrics reads the builder's /metrics as series -> value.
func scrapeMetrics(t testing.TB, addr string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape the builder: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s %v", resp.Status, err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// After a push, the builder's /metrics says where its time went, stage by
// stage, and the build page draws each function's stages; a second push
// of the same content counts its function as reused and unchanged.
func TestMetricsSayWhereThePushsTimeWent(t *testing.T) {
	metricsAddr := freePort(t)
	sys := newSystemWith(t, 1, "OFC_BUILDER_METRICS_ADDR="+metricsAddr)
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "timed", "main")
	files := map[string]string{
		"stack.yml":       "functions:\n  site:\n    lang: dockerfile\n    handler: ./site\n",
		"site/Dockerfile": siteDockerfile,
		"site/index.html": "timed\n",
	}
	sha := repo.Commit("main", "first", files)
	b := sys.pushed(fixture.Push{Owner: owner, Repo: "timed", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: sha})
	if a := call(t, sys.svc, plan.DeployName(owner, "timed", "", "site"), http.MethodGet, "/index.html", "", ""); a.body != "timed\n" {
		t.Fatalf("site answers %d %q", a.status, a.body)
	}

	m := waitBuildsCounted(t, metricsAddr, 1)
	for _, series := range []string{
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="queue"}`,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="clone"}`,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="plan"}`,
		`ofc_builder_stage_duration_seconds_count{how="built",result="ok",stage="build"}`,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="push"}`,
		`ofc_builder_stage_duration_seconds_count{how="deployed",result="ok",stage="deploy"}`,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="ready"}`,
		`ofc_builder_push_to_live_seconds_count`,
		`ofc_builder_builds_total{kind="push",state="success"}`,
		`ofc_builder_functions_total{deploy="deployed",image="built",state="success"}`,
	} {
		if m[series] != 1 {
			t.Errorf("%s = %v, want 1", series, m[series])
		}
	}
	if live := m["ofc_builder_push_to_live_seconds_sum"]; live <= 0 || live > 600 {
		t.Errorf("push to live took %vs", live)
	}

	// The timeline: kept with the function, shown on the page.
	if len(b.Functions) != 1 {
		t.Fatalf("functions %+v", b.Functions)
	}
	var stages []string
	for _, s := range b.Functions[0].Stages {
		t.Logf("stage %s (%s): %s", s.Stage, s.How, s.FinishedAt.Sub(s.StartedAt))
		stages = append(stages, string(s.Stage))
		if s.FinishedAt.Before(s.StartedAt) || s.StartedAt.Before(*b.StartedAt) || s.FinishedAt.After(*b.FinishedAt) {
			t.Errorf("stage %+v lies outside the build (%v..%v)", s, b.StartedAt, b.FinishedAt)
		}
	}
	if got := strings.Join(stages, ","); got != "build,push,deploy,ready" {
		t.Errorf("site's stages %q, want build,push,deploy,ready", got)
	}
	page, _ := sys.page(b.ID)
	for _, stage := range []pipeline.Stage{pipeline.StageBuild, pipeline.StagePush, pipeline.StageDeploy, pipeline.StageReady} {
		if !regexp.MustCompile(`<span class="bar ` + string(stage) + `" data-stage="` + string(stage) + `" style="left:[0-9.]+%;width:[0-9.]+%"`).MatchString(page) {
			t.Errorf("the build page draws no %s bar", stage)
		}
	}

	// The same content again: not built, not deployed, counted as such.
	again := repo.Commit("main", "readme only", map[string]string{"README.md": "hello\n"})
	sys.pushed(fixture.Push{Owner: owner, Repo: "timed", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", Before: sha, After: again})
	m = waitBuildsCounted(t, metricsAddr, 2)
	for series, want := range map[string]float64{
		`ofc_builder_stage_duration_seconds_count{how="reused",result="ok",stage="build"}`:     1,
		`ofc_builder_stage_duration_seconds_count{how="unchanged",result="ok",stage="deploy"}`: 1,
		`ofc_builder_stage_duration_seconds_count{how="",result="ok",stage="clone"}`:           2,
		`ofc_builder_functions_total{deploy="unchanged",image="reused",state="success"}`:       1,
		`ofc_builder_builds_total{kind="push",state="success"}`:                                2,
		`ofc_builder_push_to_live_seconds_count`:                                               1,
	} {
		if m[series] != want {
			t.Errorf("after the second push %s = %v, want %v", series, m[series], want)
		}
	}
}

// waitBuildsCounted scrapes the builder until it has counted n successful
// pushes: the counter follows the stored final state by a moment.
func waitBuildsCounted(t *testing.T, addr string, n float64) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := scrapeMetrics(t, addr)
		if m[`ofc_builder_builds_total{kind="push",state="success"}`] >= n || time.Now().After(deadline) {
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
}

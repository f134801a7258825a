package web

import (
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func stage(s pipeline.Stage, how string, from, to time.Duration) pipeline.StageTiming {
	return pipeline.StageTiming{Stage: s, How: how, StartedAt: started.Add(from), FinishedAt: started.Add(to)}
}

// The build page draws each function's stages as bars on one axis, from
// the build's start, and says each one's time in words too.
func TestBuildPageShowsWhereTheTimeWent(t *testing.T) {
	h := fixture()
	fns := h.builds[2].Functions
	fns[0].Stages = []pipeline.StageTiming{
		stage(pipeline.StageBuild, "built", 10*time.Second, 30*time.Second),
		stage(pipeline.StagePush, "", 30*time.Second, 40*time.Second),
		stage(pipeline.StageDeploy, "deployed", 40*time.Second, 45*time.Second),
		stage(pipeline.StageReady, "", 45*time.Second, 60*time.Second),
	}
	failed := stage(pipeline.StageBuild, "reused", 10*time.Second, 10*time.Second+5*time.Millisecond)
	failed.Failed = true
	h.builds[2].Functions = append(fns, pipeline.FunctionBuild{Name: "web", Image: "reg/acme/shop/web:v1.0",
		State: pipeline.Failure, Stages: []pipeline.StageTiming{failed}})
	srv := site(t, h, &logs{})
	_, body := fetch(t, srv, "/builds/2", false)

	for _, want := range []string{
		`<p class="muted">From the build's start (the clone and the plan come before the first bar) to its last stage: 1m0s.</p>`,
		`<tr class="timeline" data-function="api">`,
		`<span class="bar build" data-stage="build" style="left:16.67%;width:33.33%" title="build (built): 20s"></span>`,
		`<span class="bar push" data-stage="push" style="left:50%;width:16.67%" title="push: 10s"></span>`,
		`<span class="bar deploy" data-stage="deploy" style="left:66.67%;width:8.33%" title="deploy (deployed): 5s"></span>`,
		`<span class="bar ready" data-stage="ready" style="left:75%;width:25%" title="ready: 15s"></span>`,
		`build (built) 20s · push 10s · deploy (deployed) 5s · ready 15s`,
		`<span class="bar build failed" data-stage="build" style="left:16.67%;width:0.4%" title="build (reused): 5ms, failed"></span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}

	// A build of before the timings has no timeline.
	_, body = fetch(t, srv, "/builds/3", false)
	if strings.Contains(body, `id="timeline"`) {
		t.Error("a build without timings shows a timeline")
	}
}

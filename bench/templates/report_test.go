package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestSummariseAndRender(t *testing.T) {
	s := time.Second
	ms := time.Millisecond
	rebuild := func(total time.Duration, npmTest time.Duration) build {
		return build{plan: 2 * ms, total: total, steps: []step{
			{name: "[ship  9/11] COPY --chown=app:app function/ ./"},
			{name: "[ship 10/11] RUN npm test --if-present", took: npmTest},
			{name: "[ship 11/11] WORKDIR /home/app/"},
			{name: "exporting to image", took: 200 * ms},
		}}
	}
	h := func(s string) v1.Hash { return v1.Hash{Algorithm: "sha256", Hex: s} }
	results := []result{
		{
			lang:       "node20",
			cold:       []build{{plan: ms, total: 3 * s}, {plan: ms, total: 2 * s}, {plan: ms, total: 4 * s}},
			rebuild:    []build{rebuild(1100*ms, 700*ms), rebuild(900*ms, 600*ms), rebuild(1000*ms, 800*ms)},
			noop:       []build{{plan: ms, total: 200 * ms}, {plan: ms, total: 100 * ms}, {plan: ms, total: 300 * ms}},
			base:       "node:20-bookworm-slim",
			image:      weight{bytes: 86_700_000, layers: []v1.Hash{h("a"), h("b"), h("c")}},
			baseWeight: weight{bytes: 81_200_000, layers: []v1.Hash{h("a")}},
			sharesBase: true,
		},
		{lang: "python3", err: errors.New("warm-up build: build x: failed to solve\n > [stage-1 8/12] RUN sh pip-install.sh:\nERROR: No matching distribution found for flask")},
	}
	sum := summarise(results)
	node := sum.rows[0]
	if node.cold != (stats{3 * s, 2 * s, 4 * s}) || node.rebuild.median != s || node.noop.median != 200*ms {
		t.Errorf("node20 row: %+v", node)
	}
	if node.ran != 3 || node.steps != 10 {
		t.Errorf("instructions run again: %d of %d, want 3 of 10", node.ran, node.steps)
	}
	if len(node.slowest) != 2 || node.slowest[0] != (stepTime{"[ship 10/11] RUN npm test --if-present", 700 * ms}) {
		t.Errorf("slowest = %+v", node.slowest)
	}
	if sum.plan.median != ms || sum.plan.max != 2*ms {
		t.Errorf("plan = %+v", sum.plan)
	}

	f := facts{loadStart: "0.50", loadEnd: "1.20", buildkitd: "v0.25.1", watchdogBytes: 9_998_088}
	doc := render(f, sum, options{runs: 3}, time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	for _, want := range []string{
		section.Begin() + "\n", "Measured 2026-12-06 with `make bench-templates` (`go run ./bench/templates -runs 3`",
		"load average 0.50 when the run began, 1.20 when it ended",
		"| node20 | 3.00 s (2.00–4.00 s) | 1.00 s (0.90–1.10 s) | 0.20 s (0.10–0.30 s) | 0.80 s |",
		"OpenFaaS publishes 0.66 s for a rebuild of a node20 function; here one takes 1.00 s",
		"| node20 | `node:20-bookworm-slim` | 81.2 MB | 86.7 MB | 5.5 MB in 2 layers |",
		"| node20 | 3 of 10 | `[ship 10/11] RUN npm test --if-present` 0.70 s; `exporting to image` 0.20 s |",
		"a static\nbinary of 10.0 MB uncompressed",
		"| python3 | failed | | | |",
		"**python3 failed**: warm-up build: build x: failed to solve … ERROR: No matching distribution found for flask",
		"What is cold:", section.End() + "\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the section lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "| python3 | `") {
		t.Errorf("a failed template has an image size row:\n%s", doc)
	}
}

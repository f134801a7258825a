package pipeline

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestMatchFunctions(t *testing.T) {
	all := []FunctionSpec{{Name: "api"}, {Name: "img-search"}, {Name: "web-search"}}
	cases := []struct {
		patterns []string
		want     string
		err      string
	}{
		{nil, "api, img-search, web-search", ""},
		{[]string{"*search"}, "img-search, web-search", ""},
		{[]string{"api", "web-*"}, "api, web-search", ""},
		{[]string{"api", "nope"}, "", `"nope" matches none of the stack's functions (api, img-search, web-search)`},
		{[]string{"[a"}, "", "syntax error"},
	}
	for _, c := range cases {
		got, err := MatchFunctions(all, c.patterns)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: err %v, want %q", c.patterns, err, c.err)
			}
			continue
		}
		if err != nil || specNames(got) != c.want {
			t.Errorf("%v = %s, %v; want %s", c.patterns, specNames(got), err, c.want)
		}
	}
}

// A filtered rebuild builds and deploys the matching functions, afresh,
// and leaves the others as they run: not built, not deployed, not
// retired.
func TestAFilteredRebuildLeavesTheOtherFunctionsAlone(t *testing.T) {
	st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{"alice-api": "reg/alice/fns/api@sha256:old"}}, &memReporter{}
	var mu sync.Mutex
	var built []string
	build := buildFunc(func(s FunctionSpec) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		built = append(built, s.Name)
		return "sha256:" + s.Name, nil
	})
	hashed := func() ([]FunctionSpec, error) {
		sp, _ := specs("api", "img-search", "web-search")()
		for i := range sp {
			sp[i].ContentHash = "h-" + sp[i].Name
		}
		return sp, nil
	}
	// Every function has an image of its content already: a push would
	// build none.
	images := &memBuilt{tagged: map[string]string{}, built: map[string]BuiltImage{}}
	for _, n := range []string{"api", "img-search", "web-search"} {
		images.built["h-"+n] = BuiltImage{Image: "reg/alice/fns/" + n + ":old", Digest: "sha256:old", Commit: strings.Repeat("9", 40)}
	}
	r := newRunner(t, st, okFetch, hashed, build, dep, rep)
	r.cfg.Built, r.cfg.Retagger = images, images
	// alice-old is gone from the stack file: a push would retire it.
	live := &memDeployments{live: map[string]Deployed{
		"alice-api": {DeployName: "alice-api", Function: "api", Branch: "main"},
		"alice-old": {DeployName: "alice-old", Function: "old", Branch: "main"},
	}}
	r.cfg.Deployments = live
	ev := Event{Kind: Push, Branch: "main", Commit: strings.Repeat("a", 40), Repo: Repo{Owner: "alice", Name: "fns"},
		Trigger: &Trigger{Action: ActionRebuild, By: "alice", Of: 1, Functions: []string{"*search"}}}
	d := &memDelivery{n: 1, max: 3, req: BuildRequest{BuildID: 2, Event: ev}}
	r.Handle(context.Background(), d)

	if st.state != Success || d.settled != "ack" {
		t.Fatalf("build %s %q, delivery %s", st.state, st.msg, d.settled)
	}
	slices.Sort(built)
	if strings.Join(built, ",") != "img-search,web-search" || len(images.tagged) != 0 {
		t.Errorf("built %v, tagged %v: want the two matching functions built afresh, no image reused", built, images.tagged)
	}
	if dep.images["alice-api"] != "reg/alice/fns/api@sha256:old" || dep.images["alice-web-search"] == "" {
		t.Errorf("deployed %v: want api untouched, the search functions deployed", dep.images)
	}
	if _, ok := st.functions["api"]; ok {
		t.Errorf("the rebuild recorded a build of api: %v", st.functions)
	}
	if len(live.removed) != 0 {
		t.Errorf("the rebuild retired %v", live.removed)
	}
}

func TestAFilterMatchingNothingFailsTheRebuild(t *testing.T) {
	st, dep, rep := &memStore{state: Queued}, &memDeployer{images: map[string]string{}}, &memReporter{}
	ev := Event{Kind: Push, Branch: "main", Commit: strings.Repeat("a", 40), Repo: Repo{Owner: "alice", Name: "fns"},
		Trigger: &Trigger{Action: ActionRebuild, By: "alice", Of: 1, Functions: []string{"gone"}}}
	d := &memDelivery{n: 1, max: 3, req: BuildRequest{BuildID: 2, Event: ev}}
	newRunner(t, st, okFetch, specs("api"), nil, dep, rep).Handle(context.Background(), d)
	if st.state != Failure || st.step != StepStack || !strings.Contains(st.msg, `"gone" matches none`) || d.settled != "ack" {
		t.Errorf("build %s/%s %q, delivery %s", st.state, st.step, st.msg, d.settled)
	}
}

func TestACancelledBuildSaysWho(t *testing.T) {
	err := &SupersededError{By: CancelledBy("alice")}
	if !err.Cancelled() || err.Error() != "cancelled by alice" {
		t.Errorf("cancel = %q", err.Error())
	}
	if sup := (&SupersededError{By: "abc"}); sup.Cancelled() || sup.Error() != "superseded by abc" {
		t.Errorf("supersede = %q", sup.Error())
	}
}

// A rollback replaces newer code, which a push or a rebuild of its commit
// may not; another repository's function it may not take either.
func TestARollbackMayGoBack(t *testing.T) {
	ctx := context.Background()
	repo := Repo{Provider: GitHub, Owner: "alice", Name: "fns"}
	live := &Deployed{DeployName: "api", Repo: repo, Commit: "c2", BuildID: 5}
	for _, c := range []struct {
		trigger *Trigger
		want    string
	}{
		{nil, "c2 is already live and contains c1"},
		{&Trigger{Action: ActionRebuild, By: "alice", Of: 1}, "c2 is already live and contains c1"},
		{&Trigger{Action: ActionRollback, By: "alice", Of: 1}, ""},
	} {
		l := &lineage{history: linearHistory{}, ev: Event{Repo: repo, Commit: "c1", Trigger: c.trigger}, buildID: 9}
		if why, err := l.mayReplace(ctx, live); why != c.want || err != nil {
			t.Errorf("%+v: mayReplace = %q, %v; want %q", c.trigger, why, err, c.want)
		}
	}
	other := &Deployed{DeployName: "api", Repo: Repo{Provider: GitHub, Owner: "bob", Name: "fns"}, Commit: "c2"}
	l := &lineage{history: linearHistory{}, ev: Event{Repo: repo, Commit: "c1", Trigger: &Trigger{Action: ActionRollback}}, buildID: 9}
	if _, err := l.mayReplace(ctx, other); err == nil {
		t.Error("a rollback took another repository's function")
	}
}

package test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
	"github.com/ofcbuild/ofc/registry"
)

// staleTTL is short so the test is, and long enough that a preview is
// seen deployed before it goes.
const staleTTL = 3 * time.Second

// A preview with no push for the time to live is removed by the builders'
// scheduled job: by one builder, once, with its record saying why; its
// images go, and production stays.
func TestPreviewsWithoutPushesAreRemovedOnceBySeveralBuilders(t *testing.T) {
	sys := newSystem(t, 0)
	for i := range 2 {
		sys.start("builder", fmt.Sprintf("OFC_BUILDER_NAME=builder-%d", i),
			"OFC_CLEANUP_SCHEDULE=@every 1s", "OFC_PREVIEW_TTL="+staleTTL.String())
	}
	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	git := gittest.NewServer(t)
	repo := git.NewRepo(owner, "functions", "main")
	push := func(branch, before, sha string) pipeline.Build {
		t.Helper()
		return sys.pushed(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
			DefaultBranch: "main", Branch: branch, Before: before, After: sha})
	}
	mainSHA := repo.Commit("main", "Add functions", sampleFiles())
	push("main", "", mainSHA)
	files := sampleFiles()
	files["greet/handler.go"] = strings.Replace(greetHandler, `"%s, %s"`, `"%s from the preview, %s"`, 1)
	branchSHA := repo.Commit("feature/x", "Try a new greeting", files)
	push("feature/x", mainSHA, branchSHA)

	ctx := context.Background()
	db, err := pgx.Connect(ctx, sys.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	gw := gatewayClient(t, sys.svc)
	fns := []string{"greet", "reverse", "static"}
	for _, fn := range fns {
		name := plan.DeployName(owner, "functions", "feature/x", fn)
		var preview bool
		if err := db.QueryRow(ctx, `SELECT preview FROM deployments WHERE deploy_name = $1`, name).Scan(&preview); err != nil || !preview {
			t.Fatalf("preview %s was not recorded deployed (preview %v, %v)", name, preview, err)
		}
	}

	// Gone from the gateway within a few runs after the TTL.
	deadline := time.Now().Add(staleTTL + time.Minute)
	for _, fn := range fns {
		name := plan.DeployName(owner, "functions", "feature/x", fn)
		for {
			if _, err := gw.Get(ctx, name); err != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("stale preview %s is still on the gateway %v after its time to live", name, time.Minute)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// The run that removed them records it, prunes and ends: runs do not
	// overlap, so one claimed after the last removal has ended marks that.
	for {
		var settled bool
		err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM job_runs r
			WHERE r.finished_at IS NOT NULL AND r.claimed_at > (SELECT max(removed_at) FROM deployments
				WHERE deploy_name LIKE $1 AND preview HAVING count(*) = count(removed_at)))`,
			owner+"-%").Scan(&settled)
		if err != nil {
			t.Fatal(err)
		}
		if settled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the removal of the stale previews was not recorded, or its run did not end")
		}
		time.Sleep(200 * time.Millisecond)
	}

	for _, fn := range fns {
		name := plan.DeployName(owner, "functions", "feature/x", fn)
		var (
			deployedAt time.Time
			removedAt  *time.Time
			removedBy  *int64
			why        string
		)
		if err := db.QueryRow(ctx, `SELECT deployed_at, removed_at, removed_by, removed_why FROM deployments WHERE deploy_name = $1`,
			name).Scan(&deployedAt, &removedAt, &removedBy, &why); err != nil {
			t.Fatal(err)
		}
		if removedAt == nil || removedBy != nil || why != "no push for "+staleTTL.String() {
			t.Errorf("record of %s: removed at %v by build %v because %q; want removed by no build because no push for %v",
				name, removedAt, removedBy, why, staleTTL)
			continue
		}
		if age := removedAt.Sub(deployedAt); age < staleTTL {
			t.Errorf("%s was removed %v after it was deployed, before its time to live", name, age)
		}
	}

	// Each run was claimed by one builder, at a whole second, none while
	// another went on, and none failed.
	rows, err := db.Query(ctx, `SELECT scheduled_at, claimed_by, claimed_at, finished_at, error FROM job_runs
		WHERE job = 'stale-previews' ORDER BY scheduled_at`)
	if err != nil {
		t.Fatal(err)
	}
	type run struct {
		At        time.Time
		By        string
		ClaimedAt time.Time
		Finished  *time.Time
		Error     string
	}
	runs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[run])
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) < 2 {
		t.Fatalf("job runs %+v, want one a second", runs)
	}
	span := runs[len(runs)-1].At.Sub(runs[0].At)
	if len(runs) > int(span/time.Second)+1 {
		t.Errorf("%d runs in %v of a schedule of every second: some scheduled time ran twice", len(runs), span)
	}
	by := map[string]int{}
	for i, r := range runs {
		by[r.By]++
		if r.At.Nanosecond() != 0 {
			t.Errorf("run scheduled at %v, not a whole second", r.At)
		}
		if r.Error != "" || r.Finished == nil && i < len(runs)-1 {
			t.Errorf("run at %v by %s: finished %v, error %q", r.At, r.By, r.Finished, r.Error)
		}
		if i > 0 && runs[i-1].Finished != nil && r.ClaimedAt.Before(*runs[i-1].Finished) {
			t.Errorf("run at %v was claimed by %s at %v, while the one before went on until %v",
				r.At, r.By, r.ClaimedAt, *runs[i-1].Finished)
		}
	}
	t.Logf("%d runs in %v, claimed per builder: %v", len(runs), span, by)

	// The branch's own image went; production's stays, and answers.
	reg, err := registry.New(registry.Config{Host: sys.svc.Registry, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := reg.Exists(ctx, reg.Ref(owner, "functions", "greet", branchSHA)); ok || err != nil {
		t.Errorf("the preview's greet image is still in the registry (err %v)", err)
	}
	for _, fn := range fns {
		if _, ok, _ := reg.Exists(ctx, reg.Ref(owner, "functions", fn, mainSHA)); !ok {
			t.Errorf("production image of %s was pruned", fn)
		}
		name := plan.DeployName(owner, "functions", "", fn)
		var removedAt *time.Time
		if err := db.QueryRow(ctx, `SELECT removed_at FROM deployments WHERE deploy_name = $1`, name).Scan(&removedAt); err != nil || removedAt != nil {
			t.Errorf("production %s: removed at %v (%v), want live", name, removedAt, err)
		}
		if _, err := gw.Get(ctx, name); err != nil {
			t.Errorf("production %s is gone from the gateway: %v", name, err)
		}
	}
	if code, got := invoke(t, sys.svc, plan.DeployName(owner, "functions", "", "greet"), http.MethodPost, "world"); code != 200 || got != "Hello, world" {
		t.Errorf("production greet = %d %q", code, got)
	}
}

package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/migrations"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/store"
	"github.com/ofcbuild/ofc/store/pgtest"

	"github.com/jackc/pgx/v5/pgxpool"
)

// testDB is a migrated database of the test's own and a Store on it.
type testDB struct {
	*store.Store
	pool *pgxpool.Pool
}

func newTestDB(t testing.TB) testDB {
	t.Helper()
	url := pgtest.Database(t)
	ctx := context.Background()
	pool, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := migrations.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return testDB{Store: store.New(pool), pool: pool}
}

// exec runs SQL the store offers no method for, such as ageing a heartbeat.
func (db testDB) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if _, err := db.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (db testDB) attempts(t *testing.T, id int64) int {
	t.Helper()
	var n int
	if err := db.pool.QueryRow(context.Background(), "SELECT attempts FROM builds WHERE id = $1", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pushEvent(owner, name, delivery string) pipeline.Event {
	return pipeline.Event{
		DeliveryID: delivery,
		Kind:       pipeline.Push,
		Repo: pipeline.Repo{
			Provider:      pipeline.GitHub,
			Owner:         owner,
			Name:          name,
			CloneURL:      fmt.Sprintf("https://github.com/%s/%s.git", owner, name),
			HTMLURL:       fmt.Sprintf("https://github.com/%s/%s", owner, name),
			DefaultBranch: "main",
		},
		Ref:        "refs/heads/main",
		Branch:     "main",
		Commit:     "0123456789abcdef0123456789abcdef01234567",
		Message:    "Add function",
		Author:     "alice",
		ReceivedAt: time.Now(),
	}
}

// queued records a push and returns its build.
func (db testDB) queued(t *testing.T, delivery string) pipeline.Build {
	t.Helper()
	b, created, err := db.RecordEvent(context.Background(), pushEvent("acme", "fns", delivery))
	if err != nil || !created {
		t.Fatalf("RecordEvent(%s) = created %v, %v", delivery, created, err)
	}
	return b
}

func checkUTC(t *testing.T, what string, ts *time.Time) {
	t.Helper()
	if ts != nil && ts.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", what, ts.Location())
	}
}

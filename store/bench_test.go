package store_test

import (
	"context"
	"fmt"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/ofcbuild/ofc/migrations"
	"github.com/ofcbuild/ofc/store"
	"github.com/ofcbuild/ofc/store/pgtest"
)

// BenchmarkListBuilds lists the latest builds of one repository among a
// million builds of a thousand repositories: the cost must follow the
// limit, not the table.
func BenchmarkListBuilds(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	db.exec(b, `INSERT INTO repos (provider, owner, name)
		SELECT 'github', 'owner' || i, 'repo' FROM generate_series(1, 1000) i`)
	db.exec(b, `INSERT INTO builds (repo_id, delivery_id, kind, commit_sha, event)
		SELECT 1 + i % 1000, 'd-' || i, 'push', md5(i::text), '{}' FROM generate_series(1, 1000000) i`)
	db.exec(b, `ANALYZE`)

	for b.Loop() {
		builds, err := db.ListBuilds(ctx, "owner500", "repo", 50)
		if err != nil {
			b.Fatal(err)
		}
		if len(builds) != 50 {
			b.Fatalf("listed %d builds, want 50", len(builds))
		}
	}
}

// BenchmarkRecordEventConcurrent records distinct deliveries of one
// repository from many goroutines at once, as a busy webhook does, each
// commit waiting for its WAL flush: the calls share statements and
// commits.
func BenchmarkRecordEventConcurrent(b *testing.B) {
	u, err := url.Parse(pgtest.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("synchronous_commit", "on")
	u.RawQuery = q.Encode()
	ctx := context.Background()
	pool, err := store.Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		b.Fatal(err)
	}
	st := store.New(pool)
	var seq atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev := pushEvent("acme", "fns", fmt.Sprintf("d-%d", seq.Add(1)))
			if _, created, err := st.RecordEvent(ctx, ev); err != nil || !created {
				b.Errorf("RecordEvent() = created %v, %v", created, err)
				return
			}
		}
	})
}

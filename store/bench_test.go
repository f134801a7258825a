package store_test

import (
	"context"
	"testing"
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

package migrations

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/store/pgtest"
)

func TestLoad(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		versions []int64
		wantErr  string
	}{
		{
			name:     "ordered by number, not by name",
			fsys:     fstest.MapFS{"10_ten.sql": file("x"), "0002_two.sql": file("y"), "0001_one.sql": file("z")},
			versions: []int64{1, 2, 10},
		},
		{name: "empty", fsys: fstest.MapFS{}},
		{name: "missing number", fsys: fstest.MapFS{"init.sql": file("x")}, wantErr: "NNNN_description.sql"},
		{name: "not sql", fsys: fstest.MapFS{"0001_init.txt": file("x")}, wantErr: "NNNN_description.sql"},
		{name: "upper case", fsys: fstest.MapFS{"0001_Init.sql": file("x")}, wantErr: "NNNN_description.sql"},
		{name: "zero", fsys: fstest.MapFS{"0000_init.sql": file("x")}, wantErr: "positive"},
		{name: "too large", fsys: fstest.MapFS{"99999999999999999999_x.sql": file("x")}, wantErr: "positive"},
		{
			name:    "duplicate version",
			fsys:    fstest.MapFS{"0001_a.sql": file("x"), "1_b.sql": file("y")},
			wantErr: "already used",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := load(tt.fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("load: err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if len(got) != len(tt.versions) {
				t.Fatalf("versions = %v, want %v", got, tt.versions)
			}
			for i := range got {
				if got[i] != tt.versions[i] {
					t.Fatalf("versions = %v, want %v", got, tt.versions)
				}
			}
		})
	}
}

func TestEmbeddedMigrationsLoad(t *testing.T) {
	ms, err := load(files)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != int64(i+1) {
			t.Errorf("migration %d has version %d; versions should count up from 1 without gaps", i, m.Version)
		}
	}
}

// applyConcurrently runs fn on n connections of their own at once.
func applyConcurrently(t *testing.T, dbURL string, n int, fn func(context.Context, DB) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conns := make([]*pgx.Conn, n)
	for i := range conns {
		c, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		conns[i] = c
	}
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(ctx, c)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Apply on connection %d: %v", i, err)
		}
	}
}

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func TestApplyConcurrentFreshDatabase(t *testing.T) {
	dbURL := pgtest.Database(t)
	applyConcurrently(t, dbURL, 6, Apply)

	ctx := context.Background()
	c := connect(t, dbURL)
	ms, err := load(files)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := c.Query(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != len(ms) {
		t.Fatalf("schema_migrations holds %v, want the %d embedded versions", versions, len(ms))
	}
	for _, table := range []string{"repos", "builds", "function_builds"} {
		var exists bool
		if err := c.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&exists); err != nil || !exists {
			t.Errorf("table %s missing after Apply (err %v)", table, err)
		}
	}

	var before time.Time
	if err := c.QueryRow(ctx, "SELECT max(applied_at) FROM schema_migrations").Scan(&before); err != nil {
		t.Fatal(err)
	}
	if err := Apply(ctx, c); err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	var after time.Time
	var n int
	if err := c.QueryRow(ctx, "SELECT max(applied_at), count(*) FROM schema_migrations").Scan(&after, &n); err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) || n != len(ms) {
		t.Errorf("second Apply changed schema_migrations: %d rows, last applied %v (was %v)", n, after, before)
	}
}

func TestApplyRunsEachMigrationOnce(t *testing.T) {
	dbURL := pgtest.Database(t)
	// Each migration bumps a counter, so one applied twice shows.
	ms := []migration{
		{Version: 1, Name: "counter", SQL: "CREATE TABLE runs (version int NOT NULL); INSERT INTO runs VALUES (1);"},
		{Version: 2, Name: "two", SQL: "INSERT INTO runs VALUES (2); SELECT pg_sleep(0.05);"},
		{Version: 3, Name: "three", SQL: "INSERT INTO runs VALUES (3);"},
	}
	applyConcurrently(t, dbURL, 8, func(ctx context.Context, db DB) error { return apply(ctx, db, ms) })

	ctx := context.Background()
	rows, _ := connect(t, dbURL).Query(ctx, "SELECT version FROM runs ORDER BY version")
	runs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0] != 1 || runs[1] != 2 || runs[2] != 3 {
		t.Errorf("migrations ran %v, want each of 1, 2, 3 once", runs)
	}
}

func TestApplyFailureLeavesNoTrace(t *testing.T) {
	dbURL := pgtest.Database(t)
	ctx := context.Background()
	c := connect(t, dbURL)
	ms := []migration{
		{Version: 1, Name: "good", SQL: "CREATE TABLE good (id int);"},
		{Version: 2, Name: "bad", SQL: "CREATE TABLE half (id int); SELECT * FROM no_such_table;"},
		{Version: 3, Name: "later", SQL: "CREATE TABLE later (id int);"},
	}
	err := apply(ctx, c, ms)
	if err == nil || !strings.Contains(err.Error(), "0002_bad") {
		t.Fatalf("apply: err = %v, want one naming 0002_bad", err)
	}
	var versions []int64
	rows, _ := c.Query(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 1 || versions[0] != 1 {
		t.Errorf("schema_migrations = %v, want [1]", versions)
	}
	for table, want := range map[string]bool{"good": true, "half": false, "later": false} {
		var exists bool
		if err := c.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists != want {
			t.Errorf("table %s exists = %v, want %v", table, exists, want)
		}
	}
}

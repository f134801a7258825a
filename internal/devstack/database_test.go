package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/internal/testenv"
)

func TestCreateDatabaseWantsAPostgresURL(t *testing.T) {
	for _, server := range []string{"host=127.0.0.1 dbname=ofc", "mysql://127.0.0.1/ofc", "%zz"} {
		if _, err := CreateDatabase(context.Background(), server, "ofc_bench_x", Options{}); err == nil {
			t.Errorf("CreateDatabase(%q): no error", server)
		}
	}
}

func TestCreateDatabase(t *testing.T) {
	server := testenv.Require(t, "OFC_DATABASE_URL")["OFC_DATABASE_URL"]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "ofc_bench_test_" + hex.EncodeToString(b[:])
	db, err := CreateDatabase(ctx, server, name, Options{SynchronousCommit: true})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("connect to the scratch database: %v", err)
	}
	var got, setting string
	err = conn.QueryRow(ctx, "SELECT current_database(), current_setting('synchronous_commit')").Scan(&got, &setting)
	if err != nil {
		t.Fatal(err)
	}
	if got != name || setting != "on" {
		t.Errorf("connected to %s with synchronous_commit %s, want %s and on", got, setting, name)
	}
	// The connection is still open: Drop must end it.
	if err := db.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if _, err := pgx.Connect(ctx, db.URL); err == nil {
		t.Error("the database is still there after Drop")
	}
}

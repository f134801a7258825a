// Package pgtest gives tests a fresh, empty Postgres database of their own
// on the server named by OFC_DATABASE_URL, and drops it when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/internal/testenv"
)

// EnvURL names the variable holding the server's URL.
const EnvURL = "OFC_DATABASE_URL"

// ServerURL returns the URL in OFC_DATABASE_URL. When it is unset the test
// is skipped, or failed when CI=true, since CI must never skip silently.
func ServerURL(t testing.TB) string {
	t.Helper()
	return testenv.Get(t, EnvURL)
}

// Database creates an empty database named ofc_test_<random> and returns
// its URL. The database is dropped, with any connections still open to
// it, when the test ends.
func Database(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "ofc_test_" + hex.EncodeToString(b[:])
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", EnvURL)
	}
	u.Path = "/" + name

	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() { drop(t, server, name) })

	return u.String()
}

func drop(t testing.TB, server, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Errorf("drop database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("drop database %s: %v", name, err)
	}
}

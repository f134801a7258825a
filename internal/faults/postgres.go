package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgUser is who runs the cluster when the test runs as root: initdb and
// postgres refuse root, and the dev stack (scripts/dev/lib.sh) creates
// this user for its own cluster.
const pgUser = "postgres"

// pgStartTimeout bounds a start, crash recovery included.
const pgStartTimeout = 60 * time.Second

// Postgres is a private PostgreSQL cluster in a test's temporary
// directory, with one database, ofc. Stop and Start restart it on the
// same port, with its data.
type Postgres struct {
	t       testing.TB
	bin     string
	dir     string // the data directory, also the socket directory
	logPath string
	port    int
	// asUser runs the server's commands as pgUser (when the test is root).
	asUser bool
}

// ErrNoPostgres is wrapped when the server binaries are missing.
var ErrNoPostgres = fmt.Errorf("PostgreSQL server binaries not found (apt-get install postgresql; make up installs them)")

// StartPostgres creates a cluster, starts it and creates the database
// ofc. It is stopped and removed when t ends.
func StartPostgres(t testing.TB) (*Postgres, error) {
	t.Helper()
	bin, err := pgBin()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	p := &Postgres{t: t, bin: bin, port: port, asUser: os.Geteuid() == 0}
	base := t.TempDir()
	p.dir, p.logPath = filepath.Join(base, "pg"), filepath.Join(base, "postgres.log")
	if err := p.prepare(base); err != nil {
		return nil, err
	}
	showLogOnFailure(t, "private postgres", p.logPath)
	t.Cleanup(func() { _ = p.stop("immediate") })
	if err := p.Start(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.url("postgres"))
	if err != nil {
		return nil, fmt.Errorf("connect to the private postgres: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE ofc"); err != nil {
		return nil, fmt.Errorf("create database ofc: %w", err)
	}
	return p, nil
}

// URL is the database's URL.
func (p *Postgres) URL() string { return p.url("ofc") }

func (p *Postgres) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

// Start starts the cluster and returns once it accepts connections.
func (p *Postgres) Start() error {
	if err := p.run("pg_ctl", "-D", p.dir, "-l", p.logPath, "-w", "-t", strconv.Itoa(int(pgStartTimeout.Seconds())), "start"); err != nil {
		return fmt.Errorf("start the private postgres: %w", err)
	}
	return nil
}

// Stop shuts the cluster down as an administrator's restart does (fast
// mode): open transactions are rolled back, clients disconnected.
func (p *Postgres) Stop() error { return p.stop("fast") }

func (p *Postgres) stop(mode string) error {
	if _, err := os.Stat(filepath.Join(p.dir, "postmaster.pid")); err != nil {
		return nil // not running
	}
	if err := p.run("pg_ctl", "-D", p.dir, "-m", mode, "-w", "-t", "60", "stop"); err != nil {
		return fmt.Errorf("stop the private postgres (%s): %w", mode, err)
	}
	return nil
}

// prepare makes the data directory, owned by pgUser when the test is
// root, and runs initdb. base is the test's temporary directory: pgUser
// must be able to pass through it and its parent, which the testing
// package creates for root alone.
func (p *Postgres) prepare(base string) error {
	if err := os.Mkdir(p.dir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	if p.asUser {
		u, err := user.Lookup(pgUser)
		if err != nil {
			return fmt.Errorf("user %s, who runs Postgres for root, is missing (make up creates it): %w", pgUser, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{filepath.Dir(base), base} {
			if err := os.Chmod(d, 0o711); err != nil {
				return fmt.Errorf("let %s through %s: %w", pgUser, d, err)
			}
		}
		if err := os.Chown(p.dir, uid, gid); err != nil {
			return fmt.Errorf("give %s the data dir: %w", pgUser, err)
		}
		f, err := os.Create(p.logPath)
		if err != nil {
			return err
		}
		f.Close()
		if err := os.Chown(p.logPath, uid, gid); err != nil {
			return fmt.Errorf("give %s the log: %w", pgUser, err)
		}
	}
	if err := p.run("initdb", "-D", p.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	// fsync off: the restarts here are of the server, not of the
	// machine, and the page cache survives them. synchronous_commit
	// stays on, so a commit the webhook answered 202 for is in the WAL
	// before the answer, whatever way the server stops.
	conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nmax_connections = 100\nfsync = off\n", p.port, p.dir)
	f, err := os.OpenFile(filepath.Join(p.dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("configure the private postgres: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(conf); err != nil {
		return fmt.Errorf("configure the private postgres: %w", err)
	}
	return nil
}

// run runs one of the server's commands, as pgUser when the test is root.
func (p *Postgres) run(name string, args ...string) error {
	path := filepath.Join(p.bin, name)
	var cmd *exec.Cmd
	if p.asUser {
		cmd = exec.Command("runuser", append([]string{"-u", pgUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	// pg_ctl's server must not share the test's process group: a ^C of
	// the test would reach it before the cleanup does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// pgBin finds the directory of initdb and pg_ctl: Debian's versioned
// directory, the newest first, else PATH.
func pgBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if path, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(path), nil
	}
	return "", ErrNoPostgres
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const patience = 60 * time.Second

const testChild = "CLASSIC_WATCHDOG_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(testChild) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestClassicDefaults runs the command as a classic template would, with
// only fprocess set, and checks the classic watchdog's defaults: a fork
// per request, stderr in the answer, the answer typed as the request, and
// a drain on SIGTERM that exits 0.
func TestClassicDefaults(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	tmp := t.TempDir()
	var out bytes.Buffer
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{testChild + "=1", "PATH=" + os.Getenv("PATH"), "TMPDIR=" + tmp, "port=" + port,
		"healthcheck_interval=100ms", "fprocess=sh -c cat;no_such_command;true"}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("output:\n%s", out.String())
		}
	}()
	url := "http://127.0.0.1:" + port
	deadline := time.Now().Add(patience)
	for !exists(filepath.Join(tmp, ".lock")) {
		if time.Now().After(deadline) {
			t.Fatal("no lock file")
		}
		time.Sleep(5 * time.Millisecond)
	}

	res, err := http.Post(url+"/", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// sh complains on stderr about the missing command after echoing
	// stdin; combine_output puts that in the answer.
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), `{"a":1}`) ||
		!strings.Contains(string(body), "no_such_command") {
		t.Errorf("answered %d %q", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want the request's", ct)
	}
	if res.Header.Get("X-Duration-Seconds") == "" {
		t.Error("no X-Duration-Seconds")
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(patience):
		t.Fatal("did not exit after SIGTERM")
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

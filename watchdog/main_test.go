package watchdog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childMarker in the environment makes the test binary one of the
// function processes below instead of running the tests: the watchdog
// under test starts it as "<test binary> <role> <args>".
const childMarker = "WATCHDOG_TEST_CHILD=1"

func TestMain(m *testing.M) {
	if os.Getenv("WATCHDOG_TEST_CHILD") == "1" {
		os.Exit(child(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fprocess is the command line that runs the test binary as role.
func fprocess(role string, args ...string) string {
	return strings.Join(append([]string{os.Args[0], role}, args...), " ")
}

// child runs one function process and returns its exit status.
func child(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "no role")
		return 2
	}
	switch role, rest := args[0], args[1:]; role {
	case "cat": // stdin to stdout, a read at a time, so that it streams
		_, _ = io.Copy(os.Stdout, os.Stdin)
		return 0
	case "env": // the body, then the request's variables and the inherited one
		body, _ := io.ReadAll(os.Stdin)
		fmt.Printf("body=%s\n", body)
		env := os.Environ()
		slices.Sort(env)
		for _, e := range env {
			if strings.HasPrefix(e, "Http_") || strings.HasPrefix(e, "PARENT_") {
				fmt.Println(e)
			}
		}
		return 0
	case "fail": // output on both streams, then exit 3
		fmt.Println("partial answer")
		fmt.Fprintln(os.Stderr, "something broke")
		return 3
	case "write-then-fail": // output, then a failure once released
		fmt.Println("first")
		waitFile(rest[0])
		return 3
	case "block": // wait until released, then answer
		touch(filepath.Join(rest[0], fmt.Sprintf("arrived-%d", os.Getpid())))
		waitFile(filepath.Join(rest[0], "release"))
		fmt.Println("released")
		return 0
	case "hang": // start a grandchild, record both pids, never answer
		dir := rest[0]
		gc := exec.Command(os.Args[0], "sleep")
		gc.Env = os.Environ()
		if err := gc.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		write(filepath.Join(dir, "grandchild.pid"), fmt.Sprint(gc.Process.Pid))
		write(filepath.Join(dir, "child.pid"), fmt.Sprint(os.Getpid()))
		select {}
	case "sleep":
		select {}
	case "server":
		return server(rest[0], rest[1])
	}
	fmt.Fprintln(os.Stderr, "unknown role", args[0])
	return 2
}

// server is an http-mode function on 127.0.0.1:port; dir holds the files
// through which a test controls it.
//
//	/         echoes the method, path, query, Host, X-Forwarded-For and body
//	/slow     records its arrival, answers once dir/release exists
//	/exit     exits with status 7 without answering
//
// With dir/listen-later present it listens only once dir/listen exists.
// On SIGTERM it says so on stdout and shuts down.
func server(port, dir string) int {
	if exists(filepath.Join(dir, "listen-later")) {
		waitFile(filepath.Join(dir, "listen"))
	}
	// A switch, not a ServeMux, which would redirect paths such as //a.
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			id := r.URL.Query().Get("id")
			touch(filepath.Join(dir, "arrived-"+id))
			for !exists(filepath.Join(dir, "release")) {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
			fmt.Printf("served slow %s\n", id)
			fmt.Fprintf(w, "slow %s done", id)
		case "/events": // one event at once, the next once released
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: one\n\n")
			http.NewResponseController(w).Flush()
			waitFile(filepath.Join(dir, "release-events"))
			fmt.Fprint(w, "data: two\n\n")
		case "/upgrade": // a switched protocol that echoes lines
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer conn.Close()
			fmt.Fprint(brw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			for {
				brw.Flush()
				line, err := brw.ReadString('\n')
				if err != nil {
					return
				}
				fmt.Fprint(brw, "echo: "+line)
			}
		case "/exit":
			fmt.Fprintln(os.Stderr, "exiting on request")
			os.Exit(7)
		default:
			body, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "method=%s path=%s query=%s host=%s xff=%s cl=%d te=%v body=%s",
				r.Method, r.URL.Path, r.URL.RawQuery, r.Host, r.Header.Get("X-Forwarded-For"), r.ContentLength, r.TransferEncoding, body)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: handler}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Println("upstream: SIGTERM")
		_ = srv.Shutdown(context.Background())
	}()
	fmt.Println("upstream: listening")
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// waitFile blocks until path exists: how a test releases a process.
func waitFile(path string) {
	for !exists(path) {
		time.Sleep(5 * time.Millisecond)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func touch(path string) { write(path, "") }

func write(path, s string) {
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

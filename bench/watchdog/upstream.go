package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// upstreamRole is the first argument that makes this binary the http-mode
// function the watchdog starts.
const upstreamRole = "upstream"

// answer is the function's answer: about the size of a small JSON reply.
var answer = []byte(`{"status":"ok","message":"hello from the function","items":[1,2,3,4,5,6,7,8,9,10],"version":"1.0.0"}` + "\n")

// serveUpstream is a small function server on 127.0.0.1:port: it reads
// the request body and answers, after waiting as long as ?wait= says.
// It writes its pid to pidFile, for the bench to read its CPU time, and
// stops on SIGTERM, as the watchdog stops it.
func serveUpstream(port, pidFile string) int {
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "upstream:", err)
		return 1
	}
	srv := &http.Server{
		Addr:              "127.0.0.1:" + port,
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			if d, err := time.ParseDuration(r.URL.Query().Get("wait")); err == nil && d > 0 {
				time.Sleep(d)
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(answer)
		}),
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() { <-sig; _ = srv.Shutdown(context.Background()) }()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "upstream:", err)
		return 1
	}
	return 0
}

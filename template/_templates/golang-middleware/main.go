// Command handler serves the function's Handle on 127.0.0.1:8082, where
// the watchdog in front of it (http mode) sends every request.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"handler/function"
)

const defaultTimeout = 10 * time.Second

func main() {
	readTimeout := duration(os.Getenv("read_timeout"), defaultTimeout)
	writeTimeout := duration(os.Getenv("write_timeout"), defaultTimeout)
	healthInterval := duration(os.Getenv("healthcheck_interval"), writeTimeout)

	srv := &http.Server{
		Addr:           "127.0.0.1:8082",
		Handler:        http.HandlerFunc(function.Handle),
		ReadTimeout:    readTimeout,
		WriteTimeout:   writeTimeout,
		MaxHeaderBytes: 1 << 20,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()

	select {
	case err := <-errc:
		log.Fatalf("[entrypoint] serve: %v", err)
	case <-ctx.Done():
	}
	// The watchdog stops sending new requests once SIGTERM arrives and
	// waits healthcheck_interval; requests it already sent finish here.
	log.Printf("[entrypoint] SIGTERM: no connections in: %s", healthInterval)
	time.Sleep(healthInterval)
	shutdown, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Printf("[entrypoint] shutdown: %v", err)
	}
	log.Printf("[entrypoint] exiting")
}

// duration reads a number of seconds ("10") or a Go duration ("10s"), as
// the watchdog reads its own timeouts.
func duration(v string, def time.Duration) time.Duration {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	return def
}

package watchdog

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Run serves the function until ctx ends (the binaries end it on SIGTERM)
// and then drains, returning nil once it has stopped:
//
//  1. the lock file is removed and health fails, so that the orchestrator
//     stops sending traffic;
//  2. requests are still served for healthcheck_interval, the time the
//     orchestrator's health checks take to notice;
//  3. the server stops accepting and waits up to write_timeout for the
//     requests in flight;
//  4. the function's processes are stopped: in http mode with SIGTERM,
//     then SIGKILL.
//
// In http mode Run fails when the function process exits of its own
// accord, as of-watchdog exits, so that the runtime sees the function die
// and restarts it. It fails too when it cannot listen or start the
// process. A Watchdog runs once.
func (w *Watchdog) Run(ctx context.Context) error {
	defer w.stopProcs()
	ln := w.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", fmt.Sprintf(":%d", w.cfg.Port)); err != nil {
			return fmt.Errorf("listen on port %d: %w", w.cfg.Port, err)
		}
	}
	srv := &http.Server{
		Handler:        w.handler,
		ReadTimeout:    w.cfg.ReadTimeout,
		WriteTimeout:   w.cfg.WriteTimeout,
		MaxHeaderBytes: 1 << 20,
		ErrorLog:       slog.NewLogLogger(w.log.Handler(), slog.LevelWarn),
	}
	if err := w.health.removeStale(); err != nil {
		_ = ln.Close()
		return err
	}

	var up *upstream
	started := make(chan error, 1)
	if w.cfg.Mode == ModeHTTP {
		var err error
		up, err = startUpstream(w.cfg.argv(), w.environ(), w.target,
			newLineWriter(w.stdout, "stdout", w.cfg.LogBufferSize), newLineWriter(w.stderr, "stderr", w.cfg.LogBufferSize))
		if err != nil {
			_ = ln.Close()
			return err
		}
		go func() { <-up.done; close(w.gone) }()
		go func() { started <- up.waitReady(w.procs) }()
	} else {
		started <- nil
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	w.log.Info("watchdog listening", "addr", ln.Addr().String(), "mode", w.cfg.Mode, "fprocess", w.cfg.FunctionProcess,
		"read_timeout", w.cfg.ReadTimeout, "write_timeout", w.cfg.WriteTimeout, "exec_timeout", w.cfg.ExecTimeout,
		"healthcheck_interval", w.cfg.HealthcheckInterval, "max_inflight", w.cfg.MaxInflight)
	if w.cfg.SuppressLock {
		w.log.Warn(`"suppress_lock" is enabled: no lock file, health follows only whether the watchdog serves`)
	}

	var exited <-chan struct{}
	if up != nil {
		exited = up.done
	}
	for {
		select {
		case err := <-started:
			started = nil
			if err != nil {
				continue // the process exited: the next case
			}
			if err := w.health.markReady(); err != nil {
				w.shutdown(srv, up)
				return err
			}
			close(w.ready)
			w.log.Info("function ready", "lock_file", w.lockFileDesc())
		case <-exited:
			err := up.exitErr()
			w.log.Error("function process exited; stopping the watchdog", "err", err)
			if uerr := w.health.markUnhealthy(); uerr != nil {
				w.log.Error("mark unhealthy", "err", uerr)
			}
			w.shutdown(srv, up)
			return err
		case err := <-served:
			w.shutdown(srv, up)
			return fmt.Errorf("serve: %w", err)
		case <-ctx.Done():
			w.drain(srv, up, exited)
			return nil
		}
	}
}

// drain takes the watchdog out of service, as Run describes.
func (w *Watchdog) drain(srv *http.Server, up *upstream, exited <-chan struct{}) {
	w.log.Info("draining: health now fails; serving on until the orchestrator notices",
		"healthcheck_interval", w.cfg.HealthcheckInterval, "in_flight", w.limit.count())
	if err := w.health.markUnhealthy(); err != nil {
		w.log.Error("mark unhealthy", "err", err)
	}
	t := time.NewTimer(w.cfg.HealthcheckInterval)
	defer t.Stop()
	select {
	case <-t.C:
	case <-exited: // nothing left to serve
	}
	w.log.Info("no new connections; waiting for the requests in flight", "in_flight", w.limit.count(), "write_timeout", w.cfg.WriteTimeout)
	w.shutdown(srv, up)
	w.log.Info("stopped", "in_flight", w.limit.count())
}

// shutdown stops the server, letting requests in flight finish within
// write_timeout, then stops the function's processes.
func (w *Watchdog) shutdown(srv *http.Server, up *upstream) {
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.WriteTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		w.log.Warn("requests still in flight after write_timeout; closing their connections", "err", err)
		_ = srv.Close()
	}
	// Forked processes still running now have lost their requests.
	w.stopProcs()
	if w.running != nil {
		waitCtx, cancelWait := context.WithTimeout(context.Background(), stopGrace)
		w.running.wait(waitCtx)
		cancelWait()
	}
	if up != nil {
		up.stop(stopGrace)
	}
}

func (w *Watchdog) lockFileDesc() string {
	if w.cfg.SuppressLock {
		return "none (suppress_lock)"
	}
	return w.cfg.LockPath
}

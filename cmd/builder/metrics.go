package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/metrics"
	"github.com/ofcbuild/ofc/pipeline"
)

// metricsSettings say where the builder serves /metrics and /healthz.
type metricsSettings struct {
	// MetricsAddr is host:port, "" (OFC_BUILDER_METRICS_ADDR=off) for no
	// server. Loopback by default: the metrics say which repositories'
	// builds fail, which is not for everyone who can reach the host.
	MetricsAddr string
}

func (c *config) readMetricsSettings(r *envconfig.Reader) error {
	c.MetricsAddr = r.String("OFC_BUILDER_METRICS_ADDR", "127.0.0.1:9101")
	if c.MetricsAddr == "off" {
		c.MetricsAddr = ""
		return nil
	}
	if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
		return fmt.Errorf("OFC_BUILDER_METRICS_ADDR=%q: want host:port, or off: %w", c.MetricsAddr, err)
	}
	return nil
}

// serveMetrics starts the metrics server until ctx ends and returns the
// Observer that feeds it; nil when the server is off.
func (c *config) serveMetrics(ctx context.Context, log *slog.Logger) (pipeline.Observer, error) {
	if c.MetricsAddr == "" {
		return nil, nil
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	obs := metrics.New(reg)
	if err := metrics.Serve(ctx, log, c.MetricsAddr, metrics.Handler(reg)); err != nil {
		return nil, err
	}
	return obs, nil
}

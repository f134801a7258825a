package hook

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ofcbuild/ofc/pipeline"
)

// Metrics counts webhook deliveries by forge and outcome.
type Metrics struct {
	deliveries *prometheus.CounterVec
}

// NewMetrics registers the webhook metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ofc_webhook_deliveries_total",
		Help: "Webhook deliveries by forge and outcome (queued, duplicate, ignored, malformed, unauthorized, rejected, unavailable).",
	}, []string{"provider", "outcome"})}
	reg.MustRegister(m.deliveries)
	return m
}

// outcome counts one delivery; a nil Metrics counts nothing.
func (m *Metrics) outcome(p pipeline.Provider, outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(string(p), outcome).Inc()
}

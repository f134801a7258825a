package localfaas

import (
	"time"

	"github.com/openfaas/faas-provider/types"
)

// Function is a recorded deployment. Records are values and never changed
// in place once stored, so they may be shared between goroutines.
type Function struct {
	// Deployment is the request as the client sent it (namespace filled).
	Deployment types.FunctionDeployment `json:"deployment"`
	// Ref is the image as found in the registry, pinned by digest: what a
	// runtime pulls.
	Ref string `json:"ref"`
	// Replicas is the count asked for; 1 until scaled.
	Replicas  uint64    `json:"replicas"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Name is the function's name on the gateway.
func (f Function) Name() string { return f.Deployment.Service }

// status is the function as the gateway reports it, with every deployment
// field as sent.
func (f Function) status(available uint64) types.FunctionStatus {
	d := f.Deployment
	return types.FunctionStatus{
		Name:                   d.Service,
		Image:                  d.Image,
		Namespace:              d.Namespace,
		EnvProcess:             d.EnvProcess,
		EnvVars:                d.EnvVars,
		Constraints:            d.Constraints,
		Secrets:                d.Secrets,
		Labels:                 d.Labels,
		Annotations:            d.Annotations,
		Limits:                 d.Limits,
		Requests:               d.Requests,
		ReadOnlyRootFilesystem: d.ReadOnlyRootFilesystem,
		Replicas:               f.Replicas,
		AvailableReplicas:      available,
		CreatedAt:              f.CreatedAt,
	}
}

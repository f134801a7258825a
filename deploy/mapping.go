package deploy

import (
	"maps"
	"slices"

	"github.com/openfaas/faas-provider/types"

	"github.com/ofcbuild/ofc/pipeline"
)

// toDeployment is the gateway's request for spec running image as name
// in namespace. Maps and slices are copied, so the request never shares
// memory with spec.
func toDeployment(spec pipeline.FunctionSpec, name, image, namespace string) types.FunctionDeployment {
	d := spec.Deployment
	return types.FunctionDeployment{
		Service:                name,
		Image:                  image,
		Namespace:              namespace,
		EnvProcess:             d.EnvProcess,
		EnvVars:                copyMap(d.EnvVars),
		Constraints:            slices.Clone(d.Constraints),
		Secrets:                slices.Clone(d.Secrets),
		Labels:                 mapPtr(d.Labels),
		Annotations:            mapPtr(d.Annotations),
		Limits:                 toResources(d.Limits),
		Requests:               toResources(d.Requests),
		ReadOnlyRootFilesystem: d.ReadOnlyRootFilesystem,
	}
}

func toResources(r *pipeline.Resources) *types.FunctionResources {
	if r == nil {
		return nil
	}
	return &types.FunctionResources{Memory: r.Memory, CPU: r.CPU}
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}

func mapPtr(m map[string]string) *map[string]string {
	c := copyMap(m)
	if c == nil {
		return nil
	}
	return &c
}

package deploy

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/openfaas/faas-provider/types"
)

// Function is a deployed function as the gateway reports it.
type Function struct {
	Name        string
	Namespace   string
	Image       string
	Labels      map[string]string
	Annotations map[string]string
	EnvVars     map[string]string
	// Replicas is how many are wanted, AvailableReplicas how many serve.
	Replicas          uint64
	AvailableReplicas uint64
	CreatedAt         time.Time
}

// Get returns the gateway's view of name ("<name>" or
// "<name>.<namespace>"), or an error wrapping ErrNotFound.
func (c *Client) Get(ctx context.Context, name string) (Function, error) {
	var st types.FunctionStatus
	err := c.call(ctx, "get function "+name, func(ctx context.Context) error {
		var err error
		fn, ns := c.address(name)
		st, err = c.sdk.GetFunction(ctx, fn, ns)
		return err
	})
	if err != nil {
		return Function{}, err
	}
	return fromStatus(st), nil
}

// List returns every function in the configured namespace.
func (c *Client) List(ctx context.Context) ([]Function, error) {
	var sts []types.FunctionStatus
	err := c.call(ctx, "list functions", func(ctx context.Context) error {
		var err error
		sts, err = c.sdk.GetFunctions(ctx, c.namespace)
		return err
	})
	if err != nil {
		return nil, err
	}
	fns := make([]Function, len(sts))
	for i, st := range sts {
		fns[i] = fromStatus(st)
	}
	return fns, nil
}

// Delete removes name from the gateway. Deleting a function that is not
// there is an error wrapping ErrNotFound, which cleanups may ignore.
func (c *Client) Delete(ctx context.Context, name string) error {
	return c.call(ctx, "delete "+name, func(ctx context.Context) error {
		fn, ns := c.address(name)
		return c.sdk.DeleteFunction(ctx, fn, ns)
	})
}

func fromStatus(st types.FunctionStatus) Function {
	fn := Function{
		Name:              st.Name,
		Namespace:         st.Namespace,
		Image:             st.Image,
		Replicas:          st.Replicas,
		AvailableReplicas: st.AvailableReplicas,
		CreatedAt:         st.CreatedAt,
	}
	if st.Labels != nil {
		fn.Labels = maps.Clone(*st.Labels)
	}
	if st.EnvVars != nil {
		fn.EnvVars = maps.Clone(st.EnvVars)
	}
	if st.Annotations != nil {
		fn.Annotations = maps.Clone(*st.Annotations)
	}
	return fn
}

// RemoveFunction deletes name from the gateway, and is content when it is
// already gone: what a cleanup wants.
func (c *Client) RemoveFunction(ctx context.Context, name string) error {
	if err := c.Delete(ctx, name); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Running implements pipeline.Deployer.
func (c *Client) Running(ctx context.Context, name string) (string, map[string]string, error) {
	fn, err := c.Get(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return fn.Image, fn.Annotations, nil
}

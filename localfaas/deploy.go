package localfaas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/openfaas/faas-provider/types"
)

// deployFunction serves POST (create) and PUT (update) /system/functions.
// A create of an existing function is 409 and an update of a missing one
// 404, so that clients can update first and create on 404.
func (s *Server) deployFunction(create bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var fd types.FunctionDeployment
		if !readJSON(w, r, &fd) {
			return
		}
		if err := s.checkDeployment(&fd); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		name := fd.Service
		_, exists := s.state.Function(name)
		switch {
		case create && exists:
			http.Error(w, fmt.Sprintf("function %s already exists", name), http.StatusConflict)
			return
		case !create && !exists:
			http.Error(w, fmt.Sprintf("function %s not found", name), http.StatusNotFound)
			return
		}

		ref, err := s.resolver.Resolve(r.Context(), fd.Image)
		switch {
		case errors.Is(err, ErrImageNotFound) || errors.Is(err, ErrInvalidImage):
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		case err != nil:
			s.log.Warn("resolve image", "function", name, "image", fd.Image, "err", err)
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}

		now := time.Now().UTC()
		fn := Function{Deployment: fd, Ref: ref, Replicas: 1, CreatedAt: now, UpdatedAt: now}
		old, _ := s.state.Function(name)
		if create {
			err = s.state.CreateFunction(fn)
		} else {
			fn, err = s.state.UpdateFunction(fn)
		}
		if err != nil {
			stateError(w, err)
			return
		}
		if err := s.runtime.Apply(r.Context(), fn); err != nil {
			s.log.Warn("run function", "function", name, "ref", ref, "err", err)
			s.undeploy(context.WithoutCancel(r.Context()), name, create, old)
			runtimeError(w, fmt.Errorf("function %s: %w", name, err))
			return
		}
		s.log.Info("function deployed", "function", name, "image", fd.Image, "ref", ref, "created", create)
		w.WriteHeader(http.StatusAccepted)
	}
}

// undeploy takes back the record of a deployment the runtime could not
// run: a new function is forgotten, an updated one gets its previous
// record back (the runtime kept its previous version running). Nothing is
// left half-created.
func (s *Server) undeploy(ctx context.Context, name string, created bool, old Function) {
	var err error
	if created {
		err = errors.Join(s.runtime.Remove(ctx, name), s.state.DeleteFunction(name))
	} else {
		_, err = s.state.UpdateFunction(old)
	}
	if err != nil {
		s.log.Error("undo a failed deployment", "function", name, "err", err)
	}
}

// checkDeployment refuses what a gateway would refuse and fills the
// namespace.
func (s *Server) checkDeployment(fd *types.FunctionDeployment) error {
	if err := checkFunctionName(fd.Service); err != nil {
		return err
	}
	if strings.TrimSpace(fd.Image) == "" {
		return fmt.Errorf("function %s has no image", fd.Service)
	}
	ns, err := checkNamespace(fd.Namespace)
	if err != nil {
		return err
	}
	fd.Namespace = ns
	// As faasd does: a function must not start without the secrets it reads.
	for _, sec := range fd.Secrets {
		if _, ok := s.state.Secret(sec); !ok {
			return fmt.Errorf("unable to find secret: %s", sec)
		}
	}
	return nil
}

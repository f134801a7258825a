package pipeline

import (
	"context"
	"fmt"
	"strings"
)

// buildSecrets fetches the values of the build secrets spec asks for,
// saying in the function's log which ones it hands to the build (by id,
// never by value). A pull request from a fork the repository does not
// trust gets none: its Dockerfile could print them. Its build goes on
// without them, and the log says why.
func (r *Runner) buildSecrets(ctx context.Context, ev Event, spec FunctionSpec, id int64, log LogSink) (map[string][]byte, error) {
	if len(spec.BuildSecrets) == 0 {
		return nil, nil
	}
	ids := strings.Join(spec.BuildSecrets, ", ")
	if r.untrustedFork(ev) {
		log.Line(ctx, id, spec.Name, StepBuild, "build secrets withheld ("+ids+"): the pull request comes from a fork")
		return nil, nil
	}
	if r.cfg.Secrets == nil {
		return nil, fmt.Errorf("build secrets %s: this service has no build secrets configured", ids)
	}
	values, err := r.cfg.Secrets.BuildSecrets(ctx, ev.Repo, spec.BuildSecrets)
	if err != nil {
		return nil, fmt.Errorf("build secrets of %s: %w", ev.Repo.FullName(), err)
	}
	log.Line(ctx, id, spec.Name, StepBuild, "build secrets: "+ids)
	return values, nil
}

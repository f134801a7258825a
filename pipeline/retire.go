package pipeline

import (
	"context"
	"fmt"
	"log/slog"
)

// retireRemoved removes from the gateway the functions of ev's branch
// that an earlier build deployed and that this build's stack file no
// longer has. Only records of earlier builds count: a later build that
// added a function and finished first keeps it. A build that deploys
// nothing retires nothing, and neither does one a user asked for (a
// rebuild or rollback of an older commit, whose build id is newer than
// the functions added since): only pushes change which functions exist.
func (r *Runner) retireRemoved(ctx context.Context, log *slog.Logger, ev Event, id int64, specs []FunctionSpec) error {
	if r.notDeployed(ev) != "" || ev.Trigger != nil {
		return nil
	}
	planned := make(map[string]bool, len(specs))
	for _, s := range specs {
		planned[s.DeployName] = true
	}
	live, err := r.cfg.Deployments.LiveOnBranch(ctx, id, ev.Branch)
	if err != nil {
		return Transient(err)
	}
	why := fmt.Sprintf("removed from the stack file at %s", ev.ShortCommit())
	for _, d := range live {
		if planned[d.DeployName] || d.BuildID >= id {
			continue
		}
		if err := r.takeDown(ctx, id, d, why); err != nil {
			return err
		}
		r.line(ctx, id, "", StepDeploy, fmt.Sprintf("removed %s: function %s is no longer in the stack file", d.DeployName, d.Function))
		log.Info("function retired", "deploy_name", d.DeployName, "function", d.Function)
	}
	return nil
}

package plan

import (
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/stack"
)

// prebuilt plans a function the stack file deploys from its image as it
// is (no lang, or skip_build: true), as faas-cli deploys it without a
// build: the runner resolves Image to its digest and deploys that, with
// the deployment the stack file describes. Nothing of the repository is
// read for it, so it has no build context, template or build arguments.
func prebuilt(ev pipeline.Event, fn stack.Function) pipeline.FunctionSpec {
	return pipeline.FunctionSpec{
		Name:       fn.Name,
		DeployName: DeployName(ev.Repo.Owner, ev.Repo.Name, ev.PreviewBranch(), fn.Name),
		Lang:       fn.Lang,
		Image:      fn.Image,
		Prebuilt:   true,
		Deployment: deployment(fn, ev, fn.FProcess),
	}
}

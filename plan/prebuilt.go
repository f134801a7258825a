package plan

import (
	"fmt"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/stack"
)

// prebuilt plans a function the stack file deploys from its image as it
// is (no lang, or skip_build: true), which faas-cli deploys without
// building it.
//
// pipeline.FunctionSpec cannot say "do not build, deploy Image as it is"
// yet, and the runner builds every spec without a Problem: such a
// function fails alone, at the stack step, saying why, and the others
// build and deploy. The rest of the spec (its image, the stack file's own
// reference, and its deployment) is what deploying it will take.
func prebuilt(ev pipeline.Event, s *stack.Stack, fn stack.Function) pipeline.FunctionSpec {
	why := `it has no "lang"`
	if fn.SkipBuild {
		why = "skip_build is true"
	}
	return pipeline.FunctionSpec{
		Name:       fn.Name,
		DeployName: DeployName(ev.Repo.Owner, ev.Repo.Name, ev.PreviewBranch(), fn.Name),
		Lang:       fn.Lang,
		Image:      fn.Image,
		Problem: fmt.Sprintf("%s: function %q: image-only functions are not deployed yet: %s, so it is not built but deployed from its image %s as it is, which this version of ofc cannot do",
			s.File, fn.Name, why, fn.Image),
		Deployment: deployment(fn, ev, fn.FProcess),
	}
}

package pipeline

import "fmt"

// outcome says how a function that succeeded ended, in the room of a
// commit status (desc) and in its log (line, at step): built or reused,
// deployed or left running, or not deployed and why.
func outcome(spec FunctionSpec, fb FunctionBuild, why string) (desc, line string, step Step) {
	reused := "unchanged since " + ShortSHA(fb.ReusedFrom) + ", image reused"
	switch {
	case why != "" && spec.Prebuilt:
		return "image found; not deployed: " + why, "found " + fb.Image + "; not deployed: " + why, StepDeploy
	case why != "" && fb.ReusedFrom != "":
		return reused + "; not deployed: " + why, reused + " (" + fb.ImageByDigest() + "); not deployed: " + why, StepBuild
	case why != "":
		return "built; not deployed: " + why, "built " + fb.ImageByDigest() + "; not deployed: " + why, StepBuild
	case spec.Prebuilt:
		return prebuiltStatus(spec, fb), prebuiltDone(spec, fb), StepReady
	case fb.ReusedFrom != "" && fb.Unchanged:
		return reused, fmt.Sprintf("%s: %s keeps running %s", reused, spec.DeployName, fb.ImageByDigest()), StepReady
	case fb.ReusedFrom != "":
		return "deployed " + spec.DeployName + "; " + reused,
			fmt.Sprintf("deployed %s (%s); %s", spec.DeployName, fb.ImageByDigest(), reused), StepReady
	case fb.Unchanged:
		return "unchanged: " + spec.DeployName + " runs this image already",
			fmt.Sprintf("unchanged: %s runs %s already, not deployed again", spec.DeployName, fb.ImageByDigest()), StepReady
	}
	return "deployed " + spec.DeployName, "deployed " + spec.DeployName + " (" + fb.ImageByDigest() + ")", StepReady
}

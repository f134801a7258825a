package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
)

// AnnotationDeployment is the annotation a deployed function carries its
// fingerprint in: a hash of what the gateway runs, so that a later deploy
// of the same can be left out.
const AnnotationDeployment = "ofc/deployment"

// fingerprint hashes what the gateway is asked to run for spec with image
// (pinned by digest): the name, the image and every setting, less the
// origin keys that change with each commit. Two deploys with one
// fingerprint run the same function; the second would only restart it.
func fingerprint(spec FunctionSpec, image string) string {
	d := spec.Deployment
	d.Labels, d.Annotations = withoutCommit(d.Labels), withoutCommit(d.Annotations)
	delete(d.Annotations, AnnotationDeployment)
	// encoding/json writes map keys sorted: the same settings give the
	// same bytes.
	b, err := json.Marshal(struct {
		Name, Image string
		Deployment  Deployment
	}{spec.DeployName, image, d})
	if err != nil {
		// Strings, maps of strings and booleans always encode; an empty
		// fingerprint matches nothing, so the function is deployed.
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func withoutCommit(m map[string]string) map[string]string {
	out := maps.Clone(m)
	delete(out, LabelCommit)
	return out
}

// fingerprinted is spec with its fingerprint for image among its
// annotations.
func fingerprinted(spec FunctionSpec, image string) FunctionSpec {
	ann := maps.Clone(spec.Deployment.Annotations)
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationDeployment] = fingerprint(spec, image)
	spec.Deployment.Annotations = ann
	return spec
}

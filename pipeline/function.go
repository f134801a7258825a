package pipeline

// FunctionSpec is one function of a stack file, planned for a build: where
// its build context is, what image to push, and everything the deployment
// carries. It is what the plan stage hands to build and deploy.
type FunctionSpec struct {
	// Name is the function's key in the stack file.
	Name string
	// DeployName is the function's address on the gateway: its name, or
	// "<name>.<namespace>" when it is deployed to a namespace of its own,
	// as OpenFaaS writes it in /function/ URLs.
	DeployName string
	// Lang is the template the function is built from.
	Lang string
	// TemplateFrom says where the template came from, for the build's
	// log: "shipped template node20", "template/node20 in the repository".
	TemplateFrom string

	// ContextDir is the prepared build context (template plus handler).
	ContextDir string
	// Dockerfile is the Dockerfile's path relative to ContextDir.
	Dockerfile string
	// BuildArgs are passed to the Dockerfile as --build-arg.
	BuildArgs map[string]string
	// ContentHash is a hash of everything that makes the function's
	// image (its build context, build arguments, build secret ids and
	// named contexts); "" when the function is not built. Two functions
	// with one hash make the same image, so an image built for one serves
	// the other.
	ContentHash string
	// Image is the immutable tag to push: <registry>/<owner>/<repo>/<function>:<commit>.
	// For a Prebuilt function it is the stack file's own reference.
	Image string
	// Prebuilt says the function is not built but deployed from Image as
	// it is, as faas-cli deploys a function with no lang or with
	// skip_build: true. The runner resolves Image to its digest now and
	// deploys that; the build context, template and build fields are
	// unused. The service never prunes such an image: it is not its own.
	Prebuilt bool
	// Aliases are further references the same image is pushed under: a
	// tag's build pushes <registry>/<owner>/<repo>/<function>:<tag> too.
	Aliases []string
	// BuildSecrets are the ids of the build secrets the stack file asks
	// for, sorted. A Dockerfile reads one with RUN --mount=type=secret,id=<id>.
	BuildSecrets []string
	// NamedContexts replace images the Dockerfile starts stages FROM with
	// local folders, keyed by the image's name as the Dockerfile frontend
	// looks it up ("ghcr.io/openfaas/of-watchdog:0.11.3"): the service's
	// own watchdog, so that no build pulls one from the internet.
	NamedContexts map[string]string
	// Problem says, as the user should read it, why the function cannot
	// be built (an unknown template, a handler that is missing); "" when
	// it can. Planning goes on past such a function, so that every
	// function's problem shows at once and the others still build.
	Problem string
	// Secrets are their values, as the runner hands them to the builder
	// just before the build: nil when the build may not see them. They
	// are never stored or logged.
	Secrets map[string][]byte `json:"-"`

	Deployment Deployment
}

// Deployment is what the gateway is asked to run, in the gateway's own
// terms (faas-provider's FunctionDeployment), less the image, which is
// pinned by digest at deploy time.
type Deployment struct {
	EnvVars                map[string]string
	Secrets                []string
	Labels                 map[string]string
	Annotations            map[string]string
	Constraints            []string
	Limits                 *Resources
	Requests               *Resources
	ReadOnlyRootFilesystem bool
	// EnvProcess is the template's fprocess, when it declares one.
	EnvProcess string
}

// Resources are memory and CPU quantities as the gateway takes them
// ("128Mi", "100m").
type Resources struct {
	Memory string
	CPU    string
}

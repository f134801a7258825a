// Package stack reads OpenFaaS stack files (stack.yml) the way faas-cli
// reads them: ${VAR} substitution on the raw text, then YAML, then checks
// that report every problem with the function and line it belongs to.
package stack

import (
	"path"
	"slices"
)

// DefaultFile is the stack file read when none is named; AltFile is
// accepted in its place when DefaultFile does not exist.
const (
	DefaultFile = "stack.yml"
	AltFile     = "stack.yaml"
)

// Lookup returns the value of a variable used as ${NAME} in a stack file
// and whether it is set. A nil Lookup has no variables set.
type Lookup func(name string) (string, bool)

// Stack is a parsed stack file.
type Stack struct {
	Version       string              `yaml:"version"`
	Provider      Provider            `yaml:"provider"`
	Configuration Configuration       `yaml:"configuration"`
	Functions     map[string]Function `yaml:"functions"`

	// File is the stack file's slash-separated path in the repository and
	// Dir its directory, which handler and environment_file paths are
	// relative to. Parse leaves File empty and Dir ".".
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	// Warnings are what the files say that is ignored, as faas-cli
	// ignores it (unknown fields, most of all), by file and line. The
	// stack is used all the same; they are for the build's log.
	Warnings []Warning `yaml:"-"`
}

// Provider is the stack file's provider section. It is kept for
// compatibility with faas-cli; the service deploys to its own gateway.
type Provider struct {
	Name    string `yaml:"name"`
	Gateway string `yaml:"gateway"`
	Network string `yaml:"network"`
}

// Configuration is the stack file's configuration section.
type Configuration struct {
	Templates []TemplateSource `yaml:"templates"`
	// Copy lists extra paths faas-cli copies into every build context.
	Copy []string `yaml:"copy"`
}

// TemplateSource names a template and where faas-cli would fetch it from.
type TemplateSource struct {
	Name   string `yaml:"name"`
	Source string `yaml:"source"`
}

// Function is one entry of the functions map.
type Function struct {
	// Name is the function's key in the functions map.
	Name string `yaml:"-"`

	// Lang is the template's name. A lang pinned to a ref of its
	// template repository, as faas-cli writes "golang-middleware@0.9.0",
	// is split: Lang is the name and LangRef the ref; LangRef is empty
	// when the lang is not pinned.
	Lang    string `yaml:"lang"`
	LangRef string `yaml:"-"`
	Handler string `yaml:"handler"`
	// Image is the stack file's image reference. The service names the
	// images it builds itself; Image is what a Prebuilt function deploys.
	Image string `yaml:"image"`
	// Prebuilt says the function is not built but deployed from Image as
	// it is: it has no lang, or skip_build is true. faas-cli builds
	// neither (it says "Please provide a valid language" of the first)
	// and deploys both from their image. Handler is not read.
	Prebuilt bool `yaml:"-"`
	// FProcess overrides the template's fprocess.
	FProcess string `yaml:"fprocess"`

	BuildArgs    map[string]string `yaml:"build_args"`
	BuildOptions []string          `yaml:"build_options"`
	BuildSecrets map[string]string `yaml:"build_secrets"`
	Platforms    string            `yaml:"platforms"`
	SkipBuild    bool              `yaml:"skip_build"`
	RegistryAuth string            `yaml:"registry_auth"`

	// Environment holds the inline environment; after Load it also holds
	// the environment files' variables, which override the inline ones
	// (later files overriding earlier ones), as faas-cli merges them.
	Environment     map[string]string `yaml:"environment"`
	EnvironmentFile []string          `yaml:"environment_file"`

	Secrets     []string          `yaml:"secrets"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
	Constraints []string          `yaml:"constraints"`
	Limits      *Resources        `yaml:"limits"`
	Requests    *Resources        `yaml:"requests"`

	ReadOnlyRootFilesystem bool   `yaml:"readonly_root_filesystem"`
	Namespace              string `yaml:"namespace"`
}

// Resources are memory and CPU quantities ("128Mi", "100m").
type Resources struct {
	Memory string `yaml:"memory"`
	CPU    string `yaml:"cpu"`
}

// Names returns the function names in sorted order.
func (s *Stack) Names() []string {
	names := make([]string, 0, len(s.Functions))
	for n := range s.Functions {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Path resolves a path written in the stack file (a handler, an
// environment file) to a slash-separated path in the repository.
func (s *Stack) Path(rel string) string {
	dir := s.Dir
	if dir == "" {
		dir = "."
	}
	return path.Join(dir, rel)
}

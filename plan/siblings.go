package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/stack"
)

// Environment variables every function is given, so that functions of one
// stack file call each other by the names they are deployed under: the
// calling code cannot know "<owner>-<repo>-back-<hash>", and a preview
// must call its branch's siblings, never production.
const (
	// GatewayURLEnv is the gateway's address as functions reach it.
	GatewayURLEnv = "OFC_GATEWAY_URL"
	// FunctionEnvPrefix starts OFC_FUNCTION_<NAME>, whose value is the
	// deployed name of the stack file's function NAME.
	FunctionEnvPrefix = "OFC_FUNCTION_"
)

// FunctionEnv is the variable naming function fn's deployed name: fn
// upper-cased, every character other than a letter or a digit as "_"
// ("pinyin-api" gives OFC_FUNCTION_PINYIN_API).
func FunctionEnv(fn string) string {
	b := []byte(strings.ToUpper(fn))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return FunctionEnvPrefix + string(b)
}

// plainNames gives a production deployment the function's stack-file name,
// as faas-cli deploys it, so that code calling /function/<name> runs
// unchanged. Previews keep names of their own.
func plainNames(specs []pipeline.FunctionSpec, ev pipeline.Event) {
	if ev.PreviewBranch() != "" {
		return
	}
	for i := range specs {
		specs[i].DeployName = specs[i].Name
	}
}

// namespaced addresses each function deployed to a namespace of its own
// (the stack file's namespace) as OpenFaaS does in /function/ URLs:
// "<name>.<namespace>". The deploy adapter sends that namespace to the
// gateway; a function without one goes to the gateway's default.
func namespaced(specs []pipeline.FunctionSpec, s *stack.Stack) {
	for i := range specs {
		if ns := s.Functions[specs[i].Name].Namespace; ns != "" {
			specs[i].DeployName += "." + ns
		}
	}
}

// addSiblings gives every function of specs, which are one stack file's
// functions deployed for one branch, the gateway's address and the
// deployed name of each of them, itself included. The service's values
// replace the stack file's, which could only point a preview at
// production; each such replacement, and two functions whose names give
// one variable, is a warning for the build's log.
func addSiblings(specs []pipeline.FunctionSpec, gatewayURL, stackFile string) []string {
	var warnings []string
	env := map[string]string{}
	owner := map[string]string{}
	for _, s := range specs {
		key := FunctionEnv(s.Name)
		if first, ok := owner[key]; ok {
			warnings = append(warnings, fmt.Sprintf("%s: functions %q and %q both give %s; it names %q",
				stackFile, first, s.Name, key, first))
			continue
		}
		owner[key] = s.Name
		env[key] = s.DeployName
	}
	if gatewayURL != "" {
		env[GatewayURLEnv] = gatewayURL
	}
	for i := range specs {
		vars := specs[i].Deployment.EnvVars
		if vars == nil {
			vars = make(map[string]string, len(env))
		}
		for _, k := range slices.Sorted(maps.Keys(env)) {
			if old, ok := vars[k]; ok && old != env[k] {
				warnings = append(warnings, fmt.Sprintf("%s: function %q: environment %s is set by the service to %q (not %q)",
					stackFile, specs[i].Name, k, env[k], old))
			}
			vars[k] = env[k]
		}
		specs[i].Deployment.EnvVars = vars
	}
	return warnings
}

package stack

import (
	"github.com/ofcbuild/ofc/internal/suggest"

	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Warning is something a stack or environment file says that is ignored,
// as faas-cli ignores it: an unknown field, most of all. The file is used
// all the same; the warnings are for the build's log (one line each, as
// String formats them), where a typo that would otherwise go unseen is
// read.
type Warning struct {
	// File is the slash-separated path in the repository of the file the
	// warning is about: the stack file, or an environment file. Parse
	// leaves it empty for the stack file.
	File string
	// Line is 1-based; 0 when the warning has no line of its own.
	Line int
	// Function is the function the warning belongs to, if any.
	Function string
	// Field is the field as written, under its parents where it is not a
	// function's or the file's own: "read_timeout", "limits.gpu",
	// "provider.region".
	Field string
	// Msg says what is ignored and, where it can tell, what was meant:
	// `unknown field "handlr" is ignored: did you mean "handler"?`.
	Msg string
}

// String formats the warning as problems are formatted:
// `stack.yml:10: function "api": unknown field "exec_timeout" is ignored...`.
func (w Warning) String() string {
	return Problem{Line: w.Line, Function: w.Function, Msg: w.Msg}.format(w.File)
}

// maxWarnings is how many warnings a stack lists; the last one says how
// many more there were. A real file has a few.
const maxWarnings = 30

// warnings collects Warnings. One may be added more than once: an
// unknown field in an anchor is reported again for every alias of it.
type warnings []Warning

func (ws *warnings) add(w Warning) {
	*ws = append(*ws, w)
}

// sorted returns the warnings by file and line, each once.
func (ws warnings) sorted() []Warning {
	out := slices.Clone([]Warning(ws))
	slices.SortFunc(out, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Function, b.Function), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(out)
}

// list returns the warnings as sorted does, at most maxWarnings of them
// and then one saying how many more there were; nil when there are none.
func (ws warnings) list() []Warning {
	if len(ws) == 0 {
		return nil
	}
	out := ws.sorted()
	if n := len(out) - maxWarnings; n > 0 {
		out = append(out[:maxWarnings], Warning{File: out[0].File, Msg: fmt.Sprintf("and %d more warnings", n)})
	}
	return out
}

// watchdogVars are the watchdog's settings that stack files put beside
// lang and handler, where neither faas-cli nor the gateway reads them:
// the watchdog reads them from the function's environment.
var watchdogVars = map[string]bool{
	"read_timeout": true, "write_timeout": true, "exec_timeout": true, "upstream_timeout": true,
	"healthcheck_interval": true, "max_inflight": true, "content_type": true, "combine_output": true,
	"write_debug": true, "mode": true, "upstream_url": true, "prefix_logs": true, "suppress_lock": true,
}

// unknownParent is where yaml.v3 found an unknown field, by the Go type it
// names in its error: the prefix the field is shown under and the fields
// the type does know, for suggestions.
type unknownParent struct {
	prefix string
	keys   []string
}

var unknownParents = map[string]unknownParent{
	"stack.Stack":          {"", yamlKeys(reflect.TypeFor[Stack]())},
	"stack.Function":       {"", yamlKeys(reflect.TypeFor[Function]())},
	"stack.Resources":      {"", yamlKeys(reflect.TypeFor[Resources]())}, // under limits or requests, from the index
	"stack.Provider":       {"provider.", yamlKeys(reflect.TypeFor[Provider]())},
	"stack.Configuration":  {"configuration.", yamlKeys(reflect.TypeFor[Configuration]())},
	"stack.TemplateSource": {"configuration.templates.", yamlKeys(reflect.TypeFor[TemplateSource]())},
	"stack.envFile":        {"", yamlKeys(reflect.TypeFor[envFile]())},
}

// unknownField is the warning for key, a field that goType (as yaml.v3
// names it) does not have, written at line; fn and field are the function
// and the function's field the line belongs to, if any.
func unknownField(line int, fn, field, key, goType string) Warning {
	parent := unknownParents[goType]
	path := parent.prefix + key
	if goType == "stack.Resources" && field != "" {
		path = field + "." + key
	}
	msg := fmt.Sprintf("unknown field %q is ignored", path)
	switch {
	case goType == "stack.Function" && watchdogVars[strings.ToLower(key)]:
		msg += fmt.Sprintf(`: the watchdog reads %s from the function's "environment"`, key)
	default:
		if s := nearest(key, parent.keys); s != "" {
			msg += fmt.Sprintf(": did you mean %q?", s)
		}
	}
	return Warning{Line: line, Function: fn, Field: path, Msg: msg}
}

// yamlKeys are the keys a struct decodes.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// nearest is the key of keys that key is a likely typo of, "" when none
// is: a key a quarter of whose letters at most are off, so that "handlr"
// finds "handler" but "gpu" does not find "cpu".
func nearest(key string, keys []string) string {
	if len(key) > 64 {
		// No field is that long; and the distance costs len(key) times
		// the field's length.
		return ""
	}
	best, bestD := "", -1
	for _, k := range keys {
		d := suggest.Distance(strings.ToLower(key), k)
		if d*4 <= len(k) && (bestD < 0 || d < bestD) {
			best, bestD = k, d
		}
	}
	return best
}

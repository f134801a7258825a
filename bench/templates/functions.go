package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/ofcbuild/ofc/template"
)

// function is a small handler of one template, written as it would be for
// OpenFaaS. Its files hold the version given to files on one line only, a
// string constant, so that two versions differ by one line: the push that
// changes a message.
type function struct {
	lang  string
	files func(version string) map[string]string
}

// functions are the measured handlers, one per shipped template. Go ones
// use the standard library only and Python ones require nothing, as PyPI
// cannot be reached here; the node20 one installs one small package from
// the npm registry, as most Node.js functions install some.
var functions = []function{
	{"golang-middleware", func(v string) map[string]string {
		return map[string]string{"handler.go": fmt.Sprintf(middlewareHandler, v), "go.mod": goMod}
	}},
	{"go", func(v string) map[string]string {
		return map[string]string{"handler.go": fmt.Sprintf(classicGoHandler, v), "go.mod": goMod}
	}},
	{"node20", func(v string) map[string]string {
		return map[string]string{"handler.js": fmt.Sprintf(nodeHandler, v), "package.json": nodePackage}
	}},
	{"python3-http", func(v string) map[string]string {
		return map[string]string{"handler.py": fmt.Sprintf(pyHTTPHandler, v), "requirements.txt": ""}
	}},
	{"python3-flask", func(v string) map[string]string {
		return map[string]string{"handler.py": fmt.Sprintf(pyFlaskHandler, v), "requirements.txt": ""}
	}},
	{"python3", func(v string) map[string]string {
		return map[string]string{"handler.py": fmt.Sprintf(pyClassicHandler, v), "requirements.txt": ""}
	}},
}

func langNames() []string {
	names := make([]string, len(functions))
	for i, f := range functions {
		names[i] = f.lang
	}
	return names
}

func functionOf(lang string) function {
	i := slices.IndexFunc(functions, func(f function) bool { return f.lang == lang })
	return functions[i]
}

// everyShippedTemplateHasAHandler keeps the table complete: a template
// shipped later must get a handler here before the bench runs again.
func everyShippedTemplateHasAHandler() error {
	empty, err := os.MkdirTemp("", "bench-templates-repo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(empty)
	var missing []string
	for _, lang := range (template.Templates{}).Available(empty) {
		if lang != template.Dockerfile && !slices.Contains(langNames(), lang) {
			missing = append(missing, lang)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no handler for the shipped templates %s: add one to bench/templates/functions.go", strings.Join(missing, ", "))
	}
	return nil
}

const goMod = "module handler/function\n\ngo 1.24.0\n"

const middlewareHandler = `package function

import (
	"encoding/json"
	"net/http"
)

const greeting = "Hello from golang-middleware, %s"

// Handle greets whoever the query names, as JSON.
func Handle(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "world"
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"greeting": greeting, "name": name})
}
`

const classicGoHandler = `package function

import (
	"fmt"
	"strings"
)

const greeting = "Hello from go, %s"

// Handle greets the caller with the request body.
func Handle(req []byte) string {
	return fmt.Sprintf("%%s: %%s", greeting, strings.TrimSpace(string(req)))
}
`

const nodeHandler = `'use strict'
const isNumber = require('is-number')

const greeting = 'Hello from node20, %s'

module.exports = async (event, context) => {
  const n = event.query.n
  return context
    .status(200)
    .headers({ 'Content-Type': 'application/json' })
    .succeed({ greeting, n, numeric: isNumber(n) })
}
`

const nodePackage = `{
  "name": "openfaas-function",
  "version": "1.0.0",
  "main": "handler.js",
  "dependencies": {
    "is-number": "^7.0.0"
  }
}
`

const pyHTTPHandler = `GREETING = "Hello from python3-http, %s"


def handle(event, context):
    name = event.query.get("name", "world")
    return {
        "statusCode": 200,
        "body": {"greeting": GREETING, "name": name},
        "headers": {"Content-Type": "application/json"},
    }
`

const pyFlaskHandler = `GREETING = "Hello from python3-flask, %s"


def handle(req):
    return GREETING + ": " + req
`

const pyClassicHandler = `GREETING = "Hello from python3, %s"


def handle(req):
    return GREETING + ": " + req
`

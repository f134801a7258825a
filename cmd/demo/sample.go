package main

// The sample repository the demo pushes: three functions, in Go, Node.js
// and Python, on the golang-middleware, node20 and python3-http templates.

const sampleStack = `version: 1.0
provider:
  name: openfaas
functions:
  hello:
    lang: golang-middleware
    handler: ./hello
    image: hello:latest
    environment:
      GREETING: ${GREETING:-Hello}
    labels:
      com.openfaas.scale.min: "1"
  greet:
    lang: node20
    handler: ./greet
  stats:
    lang: python3-http
    handler: ./stats
`

const sampleGoMod = "module handler/function\n\ngo 1.24.0\n"

const sampleHandler = `package function

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// Handle greets whoever the body names.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	name := strings.TrimSpace(string(body))
	if name == "" {
		name = "world"
	}
	fmt.Fprintf(w, "%s, %s! (pushed %s)\n", os.Getenv("GREETING"), name, pushedAt)
}
`

const sampleNodeHandler = `'use strict'

module.exports = async (event, context) => {
  return context
    .headers({ 'Content-Type': 'application/json' })
    .succeed({ hello: event.body, node: process.version })
}
`

const samplePythonHandler = `import platform


def handle(event, context):
    return {"statusCode": 200, "body": {"hello": event.body.decode(), "python": platform.python_version()}}
`

// sampleFiles is the sample repository's tree; pushedAt goes into the Go
// handler, so that each run's answer is its own.
func sampleFiles(pushedAt string) map[string]string {
	return map[string]string{
		"stack.yml":              sampleStack,
		"hello/go.mod":           sampleGoMod,
		"hello/handler.go":       sampleHandler + "\nconst pushedAt = \"" + pushedAt + "\"\n",
		"greet/handler.js":       sampleNodeHandler,
		"greet/package.json":     `{"name": "greet", "version": "1.0.0", "main": "handler.js"}` + "\n",
		"stats/handler.py":       samplePythonHandler,
		"stats/requirements.txt": "",
	}
}

package test

// Handlers written as they would be for OpenFaaS, one per shipped
// template, for the end-to-end tests of the templates.

const templatesStack = `version: 1.0
provider:
  name: openfaas
functions:
  middleware:
    lang: golang-middleware
    handler: ./middleware
  classic-go:
    lang: go
    handler: ./classic-go
  node:
    lang: node20
    handler: ./node
    build_secrets:
      npmrc: ./.npmrc
  py-http:
    lang: python3-http
    handler: ./py-http
  py-flask:
    lang: python3-flask
    handler: ./py-flask
  py-classic:
    lang: python3
    handler: ./py-classic
`

const middlewareHandler = `package function

import (
	"encoding/json"
	"io"
	"net/http"
)

// Handle answers 201 with what it was asked, as JSON.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Template", "golang-middleware")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{
		"method": r.Method, "path": r.URL.Path, "name": r.URL.Query().Get("name"), "body": string(body),
	})
}
`

// classicGoHandler uses a module the test's own proxy serves.
const classicGoHandler = `package function

import (
	"os"

	"example.test/shout"
)

// Handle shouts the request back, with how it was asked.
func Handle(req []byte) string {
	return shout.Shout(string(req)) + " " + os.Getenv("Http_Method") + " " + os.Getenv("Http_Query")
}
`

const classicGoMod = `module handler/function

go 1.24.0

require example.test/shout v1.0.0
`

const shoutModule = `package shout

import "strings"

// Shout is s in capitals, with feeling.
func Shout(s string) string { return strings.ToUpper(s) + "!" }
`

// nodeHandler uses a package from the npm registry and a private one from
// the test's registry, whose token comes from a build secret.
const nodeHandler = `'use strict'
const isNumber = require('is-number')
const auth = require('@acme/auth')

module.exports = async (event, context) => {
  return context
    .status(200)
    .headers({ 'Content-Type': 'application/json', 'X-Auth': auth.check() })
    .succeed({
      method: event.method, path: event.path, query: event.query,
      body: event.body, numeric: isNumber(event.body.n),
    })
}
`

const nodePackageJSON = `{
  "name": "node-fn",
  "version": "1.0.0",
  "main": "handler.js",
  "dependencies": {
    "is-number": "^7.0.0",
    "@acme/auth": "1.0.0"
  }
}
`

const acmeAuth = "exports.check = () => 'acme-auth-1.0.0'\n"

// pyHTTPHandler uses a package from the test's own index.
const pyHTTPHandler = `from greeting import greet


def handle(event, context):
    return {
        "statusCode": 202,
        "body": {
            "greeting": greet(event.query.get("name", "nobody")),
            "method": event.method,
            "body": event.body.decode(),
            "type": event.headers.get("Content-Type"),
        },
        "headers": {"X-Template": "python3-http"},
    }
`

const greetingModule = "def greet(name):\n    return 'Hello, ' + name\n"

const pyFlaskHandler = `def handle(req):
    return "flask got " + req
`

const pyClassicHandler = `import os


def handle(req):
    return "py got " + req + " by " + os.getenv("Http_Method", "?")
`

func templateFiles() map[string]string {
	return map[string]string{
		"stack.yml":                 templatesStack,
		"middleware/handler.go":     middlewareHandler,
		"middleware/go.mod":         "module handler/function\n\ngo 1.24.0\n",
		"classic-go/handler.go":     classicGoHandler,
		"classic-go/go.mod":         classicGoMod,
		"node/handler.js":           nodeHandler,
		"node/package.json":         nodePackageJSON,
		"py-http/handler.py":        pyHTTPHandler,
		"py-http/requirements.txt":  "greeting==1.0.0\n",
		"py-flask/handler.py":       pyFlaskHandler,
		"py-flask/requirements.txt": "",
		"py-classic/handler.py":     pyClassicHandler,
	}
}

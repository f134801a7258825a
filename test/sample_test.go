package test

// The sample repository of the end-to-end tests: two functions on the golang-middleware
// template and one on the dockerfile template.

const sampleStack = `version: 1.0
provider:
  name: openfaas
  gateway: http://gateway.example:8080
functions:
  greet:
    lang: golang-middleware
    handler: ./greet
    image: greet:latest
    environment:
      GREETING: ${GREETING:-Hello}
    labels:
      com.openfaas.scale.min: "1"
    annotations:
      topic: greetings
  reverse:
    lang: golang-middleware
    handler: ./reverse
    image: reverse:latest
    limits:
      memory: 64Mi
  static:
    lang: dockerfile
    handler: ./static
    image: static:latest
    build_args:
      MESSAGE: built-with-build-arg
`

const goMod = "module handler/function\n\ngo 1.24.0\n"

const greetHandler = `package function

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

// Handle greets whoever is named in the body.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s, %s", os.Getenv("GREETING"), body)
}
`

const reverseHandler = `package function

import (
	"io"
	"net/http"
)

// Handle answers the body reversed.
func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	for i, j := 0, len(body)-1; i < j; i, j = i+1, j-1 {
		body[i], body[j] = body[j], body[i]
	}
	w.Write(body)
}
`

// brokenHandler does not compile: the status must say why.
const brokenHandler = `package function

import "net/http"

// Handle refers to something that does not exist.
func Handle(w http.ResponseWriter, r *http.Request) {
	undefinedHelper(w)
}
`

const staticDockerfile = `FROM busybox:latest
ARG MESSAGE=unset
RUN mkdir -p /www/_ && echo ok > /www/_/health && echo "$MESSAGE" > /www/index.html
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`

func sampleFiles() map[string]string {
	return map[string]string{
		"stack.yml":          sampleStack,
		"greet/go.mod":       goMod,
		"greet/handler.go":   greetHandler,
		"reverse/go.mod":     goMod,
		"reverse/handler.go": reverseHandler,
		"static/Dockerfile":  staticDockerfile,
	}
}

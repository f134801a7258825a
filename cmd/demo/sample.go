package main

// The sample repository the demo pushes: one function on the go template.

const sampleStack = `version: 1.0
provider:
  name: openfaas
functions:
  hello:
    lang: go
    handler: ./hello
    image: hello:latest
    environment:
      GREETING: ${GREETING:-Hello}
    labels:
      com.openfaas.scale.min: "1"
`

const sampleGoMod = "module handler\n\ngo 1.22\n"

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

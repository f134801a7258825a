//go:build tools

// Package buildkit pins the BuildKit daemon and client used by the local dev
// stack. `go install ...@version` refuses BuildKit because its go.mod carries
// exclude directives, so the commands are built from this module instead:
//
//	go build -o BIN/buildkitd github.com/moby/buildkit/cmd/buildkitd
//	go build -o BIN/buildctl github.com/moby/buildkit/cmd/buildctl
package buildkit

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
)

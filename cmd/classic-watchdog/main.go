// Command classic-watchdog runs an OpenFaaS function as the classic
// watchdog does: a process forked per request, the request body on its
// stdin and its stdout as the answer, with the classic watchdog's
// environment variables and defaults, so that a template written for it
// runs unchanged. See package watchdog for the variables.
//
//	classic-watchdog                   serve on port 8080 until SIGTERM, then drain
//	classic-watchdog -run-healthcheck  exit 0 when the lock file exists, for exec probes
package main

import (
	"os"

	"github.com/ofcbuild/ofc/watchdog"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	return watchdog.Main("classic-watchdog", args, os.LookupEnv, watchdog.ClassicDefaults())
}

// Command fwatchdog runs an OpenFaaS function as of-watchdog does, with
// of-watchdog's environment variables and defaults (streaming mode unless
// mode says otherwise), so that a template written for of-watchdog runs
// unchanged. See package watchdog for the modes and the variables.
//
//	fwatchdog                   serve on port 8080 until SIGTERM, then drain
//	fwatchdog -run-healthcheck  exit 0 when the lock file exists, for exec probes
package main

import (
	"os"

	"github.com/ofcbuild/ofc/watchdog"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	return watchdog.Main("fwatchdog", args, os.LookupEnv, watchdog.OFWatchdogDefaults())
}

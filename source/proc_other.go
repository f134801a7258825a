//go:build !unix

package source

import (
	"os/exec"
	"time"
)

// killGroup bounds the wait for cmd's output once its context ends; other
// systems have no process groups to kill.
func killGroup(cmd *exec.Cmd) {
	cmd.WaitDelay = 5 * time.Second
}

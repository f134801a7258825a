//go:build unix

package source

import (
	"os/exec"
	"syscall"
	"time"
)

// killGroup makes cmd's end, when its context ends, that of its whole
// process group: git fetches through a child (git-remote-https) that
// holds the output pipe, and would hang on a server that does not answer
// after its parent was killed.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// Should a process outside the group keep the pipes open.
	cmd.WaitDelay = 5 * time.Second
}

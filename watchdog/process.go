package watchdog

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// argv is the function's command line. Split on spaces without quoting,
// as both originals split it; runs of spaces count as one, where the
// originals would pass empty arguments.
func (c Config) argv() []string {
	return strings.Fields(c.FunctionProcess)
}

// ownGroup makes cmd the leader of a new process group, so that the
// processes it starts in turn (a shell's children, a server's workers)
// can be killed with it: the originals kill only the process they
// started, leaving its children running.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// forkCommand is a function process for one request: in its own process
// group, and killed with the whole group when ctx ends, which is how
// exec_timeout is enforced.
//
// Once the process has exited, its stdout and stderr are read for at most
// waitDelay more: a background child may hold them open, and its output
// could not reach the client after write_timeout anyway.
func forkCommand(ctx context.Context, argv, env []string, waitDelay time.Duration) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = waitDelay
	return cmd
}

// killGroup kills p and every process of its group. It is called before p
// has been waited for, so that its id, which names the group, cannot have
// been reused.
func killGroup(p *os.Process) error {
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

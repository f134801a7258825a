package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/<pid>/stat's CPU times: USER_HZ, 100 on
// Linux whatever the kernel's own tick.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time pid has used, user and system, its own and that
// of its children it has waited for: a forked function's processes count
// towards the watchdog that started them.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStat(string(b))
}

// parseStat reads utime, stime, cutime and cstime (fields 14 to 17) of a
// /proc/<pid>/stat line. They are counted after the command's closing
// parenthesis, as the command may hold spaces.
func parseStat(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat %q: no command", stat)
	}
	fields := strings.Fields(stat[i+1:])
	// fields[0] is field 3, the state.
	const first, last = 14 - 3, 17 - 3
	if len(fields) <= last {
		return 0, fmt.Errorf("stat: %d fields after the command", len(fields))
	}
	var ticks int64
	for _, f := range fields[first : last+1] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// roles are the processes whose CPU time a measurement reads, by role.
type roles map[string]int

// snapshot reads every role's CPU time.
func (r roles) snapshot() (map[string]time.Duration, error) {
	s := make(map[string]time.Duration, len(r))
	for name, pid := range r {
		d, err := cpuTime(pid)
		if err != nil {
			return nil, fmt.Errorf("CPU time of %s (pid %d): %w", name, pid, err)
		}
		s[name] += d
	}
	return s, nil
}

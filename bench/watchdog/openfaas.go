package main

import (
	"context"
	"path/filepath"
)

// openfaasPaths starts OpenFaaS's of-watchdog (o.openfaas) in http mode in
// front of a function of its own, the same server as ours runs, and
// returns its paths, answering at once and waiting, with what stops it.
// Its CPU is read under roleOpenFaaS and roleOpenFaaSFunction.
func openfaasPaths(ctx context.Context, o options, dir, self string, procs roles) ([]path, func(), error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	pidFile := filepath.Join(dir, "openfaas-upstream.pid")
	wd, err := startWatchdog(ctx, o.openfaas, dir, "openfaas",
		"mode=http", "fprocess="+self+" "+upstreamRole+" "+port+" "+pidFile, "upstream_url=http://127.0.0.1:"+port)
	if err != nil {
		return nil, nil, err
	}
	pid, err := readPID(pidFile)
	if err != nil {
		wd.stop()
		return nil, nil, err
	}
	procs[roleOpenFaaS], procs[roleOpenFaaSFunction] = wd.cmd.Process.Pid, pid
	return []path{
		{name: "openfaas", target: httpTarget(wd.url + "/"), conc: o.concurrency},
		{name: "openfaas-wait", target: httpTarget(wd.url + "/?wait=" + o.wait.String()), conc: o.concurrency},
	}, wd.stop, nil
}

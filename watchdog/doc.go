// Package watchdog runs an OpenFaaS function's process behind an HTTP
// server on port 8080, as OpenFaaS's of-watchdog and classic watchdog do,
// so that a template written for either runs unchanged.
//
// The function is a process named by fprocess. In http mode it is started
// once and every request is proxied to it; in the fork modes (classic,
// serializing, streaming) it is started per request, with the request body
// on its stdin and its stdout as the response. The watchdog also answers
// /_/health and /_/ready, limits concurrent requests (max_inflight), and
// drains on SIGTERM: the lock file goes first, so that the orchestrator
// stops sending traffic, then in-flight requests finish, then the function
// process is stopped.
//
// Configuration comes from the environment variables the originals read,
// through [Parse] and a lookup function, over the defaults of the original
// being replaced: [OFWatchdogDefaults] (cmd/fwatchdog) or
// [ClassicDefaults] (cmd/classic-watchdog). Durations are seconds ("10")
// or Go durations ("10s"); booleans are true/false or 1/0.
//
//	variable                     of-watchdog        classic          modes
//	port                         8080               8080             all
//	mode                         streaming          classic          all
//	fprocess, function_process   required           required         all but static
//	upstream_url,                required in http   -                http
//	  http_upstream_url
//	read_timeout                 30s                30s              all
//	write_timeout                30s                30s              all
//	exec_timeout (0: none)       30s                0                http and fork modes
//	healthcheck_interval         write_timeout      write_timeout    all (drain)
//	max_inflight (0: no cap)     0                  0                all
//	content_type                 application/       the request's    fork modes
//	                               octet-stream
//	prefix_logs                  true               true             all (function output)
//	log_buffer_size (-1: none)   65536              65536            all (function output)
//	log_callid                   false              false            all (request log)
//	suppress_lock                false              false            all
//	http_buffer_req_body,        false              false            http
//	  buffer_http
//	ready_path                   none               none             all
//	static_path                  /home/app/public   /home/app/public static
//	cgi_headers                  true               true             fork modes
//	combine_output               false              true             classic, serializing
//	marshal_request              false              false            classic
//	write_debug                  false              false            classic
//
// The lock file is .lock in TMPDIR (/tmp). Where this package departs from
// the originals, on purpose, the doc comment of the code concerned says
// so.
package watchdog

package pipeline

// QuietBuild is an unfinished build no runner has spoken for lately: its
// runner may have died, or its request been lost to the queue. The
// reaper looks for them.
type QuietBuild struct {
	Request BuildRequest
	State   State
	// Reaped is how many times the reaper handed it back already.
	Reaped int
}

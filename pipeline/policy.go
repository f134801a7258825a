package pipeline

// notDeployed says why the build of ev deploys nothing, or "" when it
// deploys. Such a build still builds and pushes every function and reports
// on the commit.
func (r *Runner) notDeployed(ev Event) string {
	switch {
	case ev.Kind == Tag:
		return ev.Tag + " is a tag"
	case r.untrustedFork(ev):
		// A fork's code would run with the function's secrets.
		return "the pull request comes from a fork"
	}
	return ""
}

// untrustedFork reports whether ev's code comes from a fork its
// repository does not trust: such code is neither deployed nor given the
// repository's build secrets.
func (r *Runner) untrustedFork(ev Event) bool {
	return ev.Fork && !r.cfg.ForkPreviews.Match(ev.Repo.FullName())
}

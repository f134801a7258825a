package pipeline

// notDeployed says why the build of ev deploys nothing, or "" when it
// deploys. Such a build still builds and pushes every function and reports
// on the commit.
func (r *Runner) notDeployed(ev Event) string {
	switch {
	case ev.Kind == Tag:
		return ev.Tag + " is a tag"
	case ev.Fork && !r.cfg.ForkPreviews.Match(ev.Repo.FullName()):
		// A fork's code would run with the function's secrets.
		return "the pull request comes from a fork"
	}
	return ""
}

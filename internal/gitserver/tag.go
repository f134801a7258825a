package gitserver

// Tag points tag at commit and force-pushes it, as a release does (or a
// maintainer moving a tag).
func (r *Repo) Tag(tag, commit string) error {
	for _, args := range [][]string{
		{"tag", "--force", tag, commit},
		{"push", "--quiet", "--force", "origin", "refs/tags/" + tag},
	} {
		if _, err := git(r.work, args...); err != nil {
			return err
		}
	}
	return nil
}

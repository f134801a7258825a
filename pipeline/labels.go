package pipeline

import "strings"

// Labels and annotations every deployed function carries, so that what
// runs on the gateway can be traced to its source and found again for
// cleanup. Labels hold values made safe for label syntax; annotations of
// the same keys hold the exact values.
const (
	LabelOwner       = "ofc/owner"
	LabelRepo        = "ofc/repo"
	LabelBranch      = "ofc/branch"
	LabelCommit      = "ofc/commit"
	LabelPullRequest = "ofc/pull-request"
	// LabelPreview is "true" on a branch's preview, "false" on production.
	LabelPreview = "ofc/preview"
)

// LabelValue makes s a valid label value (Kubernetes syntax, which
// OpenFaaS on Kubernetes enforces): at most 63 characters of [A-Za-z0-9._-],
// starting and ending with a letter or digit. Other characters become "_".
func LabelValue(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 63 {
		b = b[:63]
	}
	return strings.Trim(string(b), "._-")
}

// PreviewBranch is the branch whose preview ev deploys, or "" when ev is
// on the repository's default branch and deploys production.
func (e Event) PreviewBranch() string {
	// A repository whose default branch is unknown has no production: its
	// branches are previews, never deployed over production.
	if e.Repo.DefaultBranch != "" && e.Branch == e.Repo.DefaultBranch {
		return ""
	}
	return e.Branch
}

package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// Commenter keeps one comment per pull or merge request about its
// previews. UpsertComment writes body as that comment: it creates it the
// first time and edits it afterwards, never adding a second. An error is
// logged by the runner and fails nothing. Safe for concurrent use.
type Commenter interface {
	UpsertComment(ctx context.Context, ev Event, body string) error
}

// CommentMarker starts every preview comment, invisible once rendered;
// it is how a Commenter finds its comment again.
const CommentMarker = "<!-- ofc:previews -->"

// previewComment lists each function of a pull request's build with its
// preview URL and state.
func (r *Runner) previewComment(ev Event, id int64, results []functionResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n### Previews of %s\n\n", CommentMarker, ev.ShortCommit())
	why := r.notDeployed(ev)
	if why != "" {
		fmt.Fprintf(&b, "Not deployed: %s. Its functions are built and checked.\n\n", why)
	}
	b.WriteString("| function | preview | state |\n|---|---|---|\n")
	for _, res := range results {
		url := "—"
		if res.fb.State == Success && why == "" {
			url = r.cfg.FunctionURL(res.fb.DeployName)
		}
		state := "✅ deployed"
		switch {
		case res.fb.State != Success:
			state = fmt.Sprintf("❌ %s failed: %s", res.fb.FailedStep, lastLines(res.fb.Error, 2))
		case why != "":
			state = "✅ built"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", res.fb.Name, url, cell(state))
	}
	if u := r.cfg.TargetURL(id); u != "" {
		fmt.Fprintf(&b, "\n[Build %d](%s)\n", id, u)
	}
	return b.String()
}

// removedComment replaces the list once the pull request is closed.
func removedComment(ev Event, removed []Deployed) string {
	return fmt.Sprintf("%s\n### Previews removed\n\nPull request #%d was closed: its %d preview functions were deleted.\n",
		CommentMarker, ev.PullRequest, len(removed))
}

// comment writes body as the pull request's comment, when there is a
// Commenter and a pull request.
func (r *Runner) comment(ctx context.Context, log *slog.Logger, ev Event, body string) {
	if r.cfg.Commenter == nil || ev.PullRequest == 0 {
		return
	}
	if err := r.cfg.Commenter.UpsertComment(ctx, ev, r.cfg.Redact(body)); err != nil {
		log.Warn("pull request comment", "pull_request", ev.PullRequest, "err", err)
	}
}

// cell keeps a table cell on one line.
func cell(s string) string {
	return strings.NewReplacer("\n", " ", "|", "\\|").Replace(s)
}

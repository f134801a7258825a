package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ofcbuild/ofc/pipeline"
)

// actionAnswer is the API's answer to a write.
type actionAnswer struct {
	Action pipeline.Action `json:"action"`
	// BuildID is the build the action queued, 0 for a cancel.
	BuildID int64  `json:"build_id"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// postJSON POSTs body (none when nil) as JSON to path and decodes the
// JSON answer into out. Writes are not retried: a second rebuild is a
// second build.
func (c *client) postJSON(ctx context.Context, path string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := c.request(ctx, path, nil)
	if err != nil {
		return err
	}
	req.Method = http.MethodPost
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("POST %s: encode: %w", path, err)
		}
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		req.Header.Set("Content-Type", "application/json")
	}
	return c.exchange(req, out)
}

// act POSTs body to path, with what saying what was asked for its
// errors, and prints the API's message.
func (a *app) act(ctx context.Context, what, path string, body any) error {
	c, _, err := a.open()
	if err != nil {
		return err
	}
	var out actionAnswer
	if err := c.postJSON(ctx, path, body, &out); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	fmt.Fprintln(a.stdout, clean(out.Message))
	return nil
}

// buildPath is the path of build id's write endpoint what.
func buildPath(id int64, what string) string {
	return "/api/builds/" + strconv.FormatInt(id, 10) + "/" + what
}

// buildArg reads the one argument, a build id, of command name.
func buildArg(name string, rest []string) (int64, error) {
	if len(rest) != 1 {
		return 0, usageErrorf("%s takes one build id; got %q", name, rest)
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id < 1 {
		return 0, usageErrorf("%s: %q is not a build id", name, rest[0])
	}
	return id, nil
}

// listFlag is a flag that may be given several times, each a
// comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			*l = append(*l, item)
		}
	}
	return nil
}

// runRebuild is "ofc rebuild <build>": a new build of the build's commit.
func (a *app) runRebuild(ctx context.Context, args []string) error {
	fs := a.flags("rebuild", "<build>", "Build a build's commit again, every function or only those --filter names, and deploy them\n"+
		"where production may move to that commit. Images are built afresh unless --reuse is given.\nNeeds a token of scope write.")
	var filter listFlag
	fs.Var(&filter, "filter", "only functions with this name or glob, as \"*search\"; repeat or separate with commas")
	reuse := fs.Bool("reuse", false, "reuse the image of a function whose content an earlier build made, as a push does")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	id, err := buildArg("rebuild", rest)
	if err != nil {
		return err
	}
	body := map[string]any{"functions": []string(filter), "reuse": *reuse}
	return a.act(ctx, fmt.Sprintf("rebuild build %d", id), buildPath(id, "rebuild"), body)
}

// runCancel is "ofc cancel <build>".
func (a *app) runCancel(ctx context.Context, args []string) error {
	fs := a.flags("cancel", "<build>", "Cancel a queued or running build: it ends as cancelled, naming who asked, and deploys nothing more.\n"+
		"Needs a token of scope write.")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	id, err := buildArg("cancel", rest)
	if err != nil {
		return err
	}
	return a.act(ctx, fmt.Sprintf("cancel build %d", id), buildPath(id, "cancel"), nil)
}

// runRollback is "ofc rollback <owner/repo>".
func (a *app) runRollback(ctx context.Context, args []string) error {
	fs := a.flags("rollback", "<owner/repo>", "Deploy again what the last good build of a branch before the live one deployed (or --to's),\n"+
		"although production otherwise only moves forward. The next push deploys as usual.\nNeeds a token of scope write.")
	branch := fs.String("branch", "", "the branch (default: the repository's default branch)")
	provider := fs.String("provider", "", "the forge, github or gitlab, when both have owner/repo")
	to := fs.Int64("to", 0, "the build to go back to (default: the last good one before what runs)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErrorf("rollback takes one repository, owner/repo; got %q", rest)
	}
	owner, repo, err := splitRepo(rest[0])
	if err != nil {
		return err
	}
	body := map[string]any{"owner": owner, "repo": repo, "branch": *branch, "provider": *provider, "to": *to}
	return a.act(ctx, fmt.Sprintf("roll back %s/%s", owner, repo), "/api/rollback", body)
}

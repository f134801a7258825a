// Package corpustest reads the shared corpus of webhook bodies
// (shared/fixtures/webhook-corpus, see its SOURCES.md) for the tests that
// run every file of it through the parsers and the webhook handler. It is
// for tests only.
package corpustest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

// File is one webhook body of the corpus.
type File struct {
	// Rel is the slash-separated path under the corpus root, such as
	// "github/push/api.github.com--payload.json": what tables key on.
	Rel string
	// Folder is the file's folder, the event it was sent as: the
	// X-GitHub-Event, the GitLab object kind, or a mutation folder
	// ("Push_Hook").
	Folder string
	Body   []byte
}

// Files reads every .json file under root/family (for example "github" or
// "mutations/gitlab"), sorted by path. It fails the test when the folder
// is missing or holds fewer than min files, so that a lost folder is a
// failure and not a smaller corpus that still passes.
func Files(t testing.TB, root, family string, min int) []File {
	t.Helper()
	var files []File
	base := filepath.Join(root, filepath.FromSlash(family))
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") || d.Name() == "MANIFEST.json" {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, File{Rel: filepath.ToSlash(rel), Folder: filepath.Base(filepath.Dir(p)), Body: body})
		return nil
	})
	if err != nil {
		t.Fatalf("read the webhook corpus %s: %v", base, err)
	}
	if len(files) < min {
		t.Fatalf("the webhook corpus %s holds %d files, want at least %d: a folder was lost", base, len(files), min)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Rel, b.Rel) })
	return files
}

// Describe is what tables expect of an accepted event: its kind,
// repository, branch or tag, commit, pull request, fork, visibility and
// default branch, in one line.
func Describe(ev pipeline.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", ev.Kind, ev.Repo.FullName())
	if ev.Branch != "" {
		b.WriteString(" branch=" + ev.Branch)
	}
	if ev.Tag != "" {
		b.WriteString(" tag=" + ev.Tag)
	}
	commit := ev.Commit
	if commit == "" {
		commit = "none"
	}
	b.WriteString(" commit=" + commit)
	if ev.PullRequest > 0 {
		fmt.Fprintf(&b, " pr=%d", ev.PullRequest)
	}
	if ev.Fork {
		b.WriteString(" fork")
	}
	if ev.Repo.Private {
		b.WriteString(" private")
	}
	b.WriteString(" default=" + ev.Repo.DefaultBranch)
	return b.String()
}

// Outcome classes, as the corpus's MANIFEST.json names them.
const (
	Parse   = "parse"
	Reject  = "reject"
	Ignored = "ignored"
)

// Manifest reads root/mutations/MANIFEST.json: for each mutated file, the
// outcome classes a correct parser may give it (a manifest entry such as
// "ignored (ping) or reject" allows two).
func Manifest(t testing.TB, root string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "mutations", "MANIFEST.json"))
	if err != nil {
		t.Fatalf("read the corpus manifest: %v", err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("corpus manifest: %v", err)
	}
	out := make(map[string][]string, len(m))
	for file, says := range m {
		for _, class := range []string{Parse, Reject, Ignored} {
			if strings.Contains(says, class) {
				out[file] = append(out[file], class)
			}
		}
		if len(out[file]) == 0 {
			t.Fatalf("corpus manifest: %s: %q names no outcome", file, says)
		}
	}
	return out
}

// Class is the manifest class of an expectation written as tables write
// it: "ignored: ...", "malformed: ..." or an accepted event's Describe.
func Class(expectation string) string {
	switch {
	case strings.HasPrefix(expectation, "ignored: "):
		return Ignored
	case strings.HasPrefix(expectation, "malformed: "):
		return Reject
	}
	return Parse
}

// gitlabHeaders is the X-Gitlab-Event GitLab sends each folder's bodies
// with, as the corpus's SOURCES.md lists them.
var gitlabHeaders = map[string]string{
	"push": "Push Hook", "tag_push": "Tag Push Hook", "merge_request": "Merge Request Hook",
	"note": "Note Hook", "issue": "Issue Hook", "wiki_page": "Wiki Page Hook", "pipeline": "Pipeline Hook",
	"build": "Job Hook", "deployment": "Deployment Hook", "feature_flag": "Feature Flag Hook",
	"release": "Release Hook", "emoji": "Emoji Hook", "access_token": "Resource Access Token Hook",
	"vulnerability": "Vulnerability Hook", "milestone": "Milestone Hook", "user_add_to_group": "Member Hook",
	"project_create": "Project Hook", "subgroup_create": "Subgroup Hook", "system_hook": "System Hook",
}

// GitLabHeader is the X-Gitlab-Event GitLab sends f with: its folder's,
// except for the note it sends as confidential; a mutation folder is the
// header with "_" for " " ("Push_Hook").
func GitLabHeader(f File) string {
	if f.Rel == "gitlab/note/go-playground-webhooks--confidential-comment-event.json" {
		return "Confidential Note Hook"
	}
	if h, ok := gitlabHeaders[f.Folder]; ok {
		return h
	}
	return strings.ReplaceAll(f.Folder, "_", " ")
}

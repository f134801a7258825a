package gitlab

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/corpustest"
	"github.com/ofcbuild/ofc/pipeline"
)

// corpusRoot is the shared corpus of real and mutated webhook bodies that
// nobody in this project wrote (its SOURCES.md says where each comes from).
const corpusRoot = "../../../shared/fixtures/webhook-corpus"

// corpusFamilies are the corpus's GitLab folders and how many files each
// holds at least: a lost folder fails the tests instead of shrinking them.
var corpusFamilies = []struct {
	family string
	min    int
}{
	{"gitlab", 90},
	{"mutations/gitlab", 53},
}

// corpusDelivery is the X-Gitlab-Event-UUID every body is parsed with.
const corpusDelivery = "corpus-delivery"

// expected is what Parse must make of a corpus file: an accepted event as
// corpustest.Describe writes it, "ignored: " and the reason, or
// "malformed: " and the error after ErrMalformed's text. The events Parse
// acts on have a row for every file; the others are ignored as a whole.
func expected(f corpustest.File) (string, bool) {
	if want, ok := corpusRows[f.Rel]; ok {
		return want, true
	}
	switch h := corpustest.GitLabHeader(f); h {
	case EventPush, EventTagPush, EventMergeRequest:
		return "", false
	case EventSystem:
		return "ignored: system hooks are not acted on: add a project or group webhook", true
	default:
		return fmt.Sprintf("ignored: event %q is not acted on", h), true
	}
}

// outcome is what Parse made of a delivery, written as expected is. A
// panic is recovered so that the failure names the file.
func outcome(eventType string, body []byte) (got string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Parse panicked: %v", r)
		}
	}()
	ev, perr := Parse(eventType, corpusDelivery, body)
	if perr == nil {
		if ev.DeliveryID != corpusDelivery {
			return "", fmt.Errorf("event %+v lost its delivery id", ev)
		}
		return corpustest.Describe(ev), nil
	}
	if (ev != pipeline.Event{}) {
		return "", fmt.Errorf("error %v came with an event %+v", perr, ev)
	}
	if ig, ok := IsIgnored(perr); ok {
		if errors.Is(perr, ErrMalformed) {
			return "", fmt.Errorf("ignored %+v is also malformed", ig)
		}
		return "ignored: " + ig.Reason, nil
	}
	msg, ok := strings.CutPrefix(perr.Error(), ErrMalformed.Error()+": ")
	if !errors.Is(perr, ErrMalformed) || !ok {
		return "", fmt.Errorf("error %q is neither ignored nor malformed", perr)
	}
	return "malformed: " + msg, nil
}

// TestCorpus runs every GitLab body of the corpus through Parse, with the
// header GitLab sends it with, and checks the outcome its row or its
// event's class expects: accepted with its project, branch, commit and
// kind, ignored with the reason GitLab's webhook log shows, or refused
// with the error the handler answers.
func TestCorpus(t *testing.T) {
	for _, fam := range corpusFamilies {
		for _, f := range corpustest.Files(t, corpusRoot, fam.family, fam.min) {
			t.Run(f.Rel, func(t *testing.T) {
				want, ok := expected(f)
				if !ok {
					t.Fatalf("no expectation: add a row for %s to corpusRows", f.Rel)
				}
				got, err := outcome(corpustest.GitLabHeader(f), f.Body)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("got  %s\nwant %s", got, want)
				}
			})
		}
	}
}

// TestCorpusRowsNameFiles checks that every row names a file of the
// corpus, so that a row cannot outlive the file it was written for.
func TestCorpusRowsNameFiles(t *testing.T) {
	present := map[string]bool{}
	for _, fam := range corpusFamilies {
		for _, f := range corpustest.Files(t, corpusRoot, fam.family, fam.min) {
			present[f.Rel] = true
		}
	}
	for rel := range corpusRows {
		if !present[rel] {
			t.Errorf("row %s names no file of the corpus", rel)
		}
	}
	// The corpus cases of this package: a number that only goes down when
	// files go missing.
	if min := 90 + 53; len(present) < min {
		t.Errorf("%d GitLab corpus files, want at least %d", len(present), min)
	}
}

// corpusChoices are the mutations whose outcome is not one the corpus's
// manifest allows, and why this service chose it.
var corpusChoices = map[string]string{
	// The mutation moved the project to a/b/c/d but left git_http_url at
	// mike/diaspora: a clone URL of another project is refused.
	"mutations/gitlab/Push_Hook/subgroups.json": corpustest.Reject,
}

// TestCorpusAgreesWithManifest checks each mutation's expected outcome
// against the classes the corpus's MANIFEST.json allows for it, except
// for corpusChoices.
func TestCorpusAgreesWithManifest(t *testing.T) {
	manifest := corpustest.Manifest(t, corpusRoot)
	checked := 0
	for _, f := range corpustest.Files(t, corpusRoot, "mutations/gitlab", 53) {
		allowed, ok := manifest[f.Rel]
		if !ok {
			continue
		}
		want, _ := expected(f)
		class := corpustest.Class(want)
		if choice, ok := corpusChoices[f.Rel]; ok {
			if class != choice || slices.Contains(allowed, class) {
				t.Errorf("%s: expected %q (%s); the choice recorded is %s against the manifest's %v", f.Rel, want, class, choice, allowed)
			}
		} else if !slices.Contains(allowed, class) {
			t.Errorf("%s: expected %q (%s); the manifest allows %v", f.Rel, want, class, allowed)
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("only %d mutations are in the manifest", checked)
	}
}

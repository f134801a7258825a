package github

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

// corpusFamilies are the corpus's GitHub folders and how many files each
// holds at least: a lost folder fails the tests instead of shrinking them.
var corpusFamilies = []struct {
	family string
	min    int
}{
	{"github", 198},
	{"mutations/github", 85},
}

// actedOn are the events Parse reads further than its name; every file
// of theirs has its own row in corpusReal or corpusMutations. Every other
// event is ignored as a whole, and its files need no row.
var actedOn = map[string]bool{
	EventPush: true, EventPullRequest: true, EventDelete: true,
	EventCheckRun: true, EventCheckSuite: true, EventPing: true,
}

// corpusDelivery is the X-GitHub-Delivery every corpus file is parsed with.
const corpusDelivery = "corpus-delivery"

// expected is what Parse must make of a corpus file: an accepted event as
// corpustest.Describe writes it, "ignored: " and the reason, or
// "malformed: " and the error after ErrMalformed's text.
func expected(f corpustest.File) (string, bool) {
	if want, ok := corpusReal[f.Rel]; ok {
		return want, true
	}
	if want, ok := corpusMutations[f.Rel]; ok {
		return want, true
	}
	if !actedOn[f.Folder] {
		return fmt.Sprintf("ignored: event %q is not acted on", f.Folder), true
	}
	return "", false
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
		if ig.Event != eventType || errors.Is(perr, ErrMalformed) {
			return "", fmt.Errorf("ignored %+v is not of event %q, or also malformed", ig, eventType)
		}
		return "ignored: " + ig.Reason, nil
	}
	msg, ok := strings.CutPrefix(perr.Error(), ErrMalformed.Error()+": ")
	if !errors.Is(perr, ErrMalformed) || !ok {
		return "", fmt.Errorf("error %q is neither ignored nor malformed", perr)
	}
	return "malformed: " + msg, nil
}

// TestCorpus runs every GitHub body of the corpus through Parse, as the
// event of its folder, and checks the outcome the file's row or its
// event's class expects: accepted with its repository, branch, commit and
// kind, ignored with the reason the delivery log shows, or refused with
// the error the handler answers.
func TestCorpus(t *testing.T) {
	for _, fam := range corpusFamilies {
		for _, f := range corpustest.Files(t, corpusRoot, fam.family, fam.min) {
			t.Run(f.Rel, func(t *testing.T) {
				want, ok := expected(f)
				if !ok {
					t.Fatalf("no expectation: add a row for %s to corpusReal or corpusMutations", f.Rel)
				}
				got, err := outcome(f.Folder, f.Body)
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
	n := 0
	for _, fam := range corpusFamilies {
		for _, f := range corpustest.Files(t, corpusRoot, fam.family, fam.min) {
			present[f.Rel] = true
			n++
		}
	}
	for _, rows := range []map[string]string{corpusReal, corpusMutations} {
		for rel := range rows {
			if !present[rel] {
				t.Errorf("row %s names no file of the corpus", rel)
			}
		}
	}
	// The corpus cases of this package: a number that only goes down when
	// files go missing.
	if min := 198 + 85; n < min {
		t.Errorf("%d GitHub corpus files, want at least %d", n, min)
	}
}

// TestCorpusAgreesWithManifest checks each mutation's expected outcome
// against the class the corpus's MANIFEST.json allows for it, except
// where this service chose otherwise, for the reason given.
func TestCorpusAgreesWithManifest(t *testing.T) {
	manifest := corpustest.Manifest(t, corpusRoot)
	checked := 0
	for _, f := range corpustest.Files(t, corpusRoot, "mutations/github", 85) {
		allowed, ok := manifest[f.Rel]
		if !ok {
			continue
		}
		want, _ := expected(f)
		if class := corpustest.Class(want); !slices.Contains(allowed, class) {
			t.Errorf("%s: expected %q (%s); the manifest allows %v", f.Rel, want, class, allowed)
		}
		checked++
	}
	if checked < 80 {
		t.Errorf("only %d mutations are in the manifest", checked)
	}
}

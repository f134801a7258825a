package source

import (
	"context"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/gittest"
)

// The shallow clone of a build answers how its commit relates to others
// on the forge, as the deploy's check asks it.
func TestContainsReadsTheForgesHistory(t *testing.T) {
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("alice", "fns", "main")
	c1 := repo.Commit("main", "one", map[string]string{"a": "1"})
	c2 := repo.Commit("main", "two", map[string]string{"a": "2"})
	c3 := repo.Commit("main", "three", map[string]string{"a": "3"})
	// A force push replaces c2 and c3 with a sibling of c2; "keep" keeps
	// them on the forge.
	repo.Reset("keep", c3)
	repo.Reset("main", c1)
	s2 := repo.Commit("main", "rewritten", map[string]string{"a": "s"})

	g := New(Config{})
	ctx := context.Background()
	dir := t.TempDir()
	ev := event(repo.CloneURL, c2)
	if err := g.Fetch(ctx, ev, dir); err != nil {
		t.Fatal(err)
	}
	gone := strings.Repeat("e", 40)
	for _, c := range []struct {
		name                 string
		descendant, ancestor string
		contains, known      bool
	}{
		{"a commit contains itself", c2, c2, true, true},
		{"the build's commit contains its parent", c2, c1, true, true},
		{"a later commit contains the build's", c3, c2, true, true},
		{"the build's commit does not contain a later one", c2, c3, false, true},
		{"a rewritten sibling does not contain it", s2, c2, false, true},
		{"nor does it contain the sibling", c2, s2, false, true},
		{"a commit the forge does not have is unknown", gone, c2, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			contains, known, err := g.Contains(ctx, ev, dir, c.descendant, c.ancestor)
			if err != nil {
				t.Fatal(err)
			}
			if contains != c.contains || known != c.known {
				t.Errorf("Contains = %v (known %v), want %v (known %v)", contains, known, c.contains, c.known)
			}
		})
	}
}

func TestContainsRefusesWhatIsNotACommitID(t *testing.T) {
	_, _, err := New(Config{}).Contains(context.Background(), event("http://x", strings.Repeat("a", 40)), t.TempDir(), "--upload-pack=evil", strings.Repeat("a", 40))
	if err == nil || !strings.Contains(err.Error(), "not a commit id") {
		t.Fatalf("err = %v, want a refusal", err)
	}
}

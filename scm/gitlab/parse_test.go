package gitlab

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/pipeline"
)

const (
	delivery  = "8f2b54a4-0f0e-4b8a-9a5c-3c0d1b6e2f11"
	headSHA   = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
	firstSHA  = "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327"
	newSHA    = "a10867b14bb761a232cd80139fbd4c0d33264240"
	zeroSHA   = "0000000000000000000000000000000000000000"
	sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

// fixture reads a real payload from testdata (see testdata/README.md).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// patched returns a fixture with edit applied to its decoded JSON, for the
// cases GitLab sends that the collected examples do not cover.
func patched(t testing.TB, name string, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixture(t, name), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// parseCase is a delivery and what Parse must make of it.
type parseCase struct {
	name      string
	eventType string
	body      []byte
	want      pipeline.Event
	// ignored is the reason expected of an *IgnoredError.
	ignored string
	// malformed expects ErrMalformed.
	malformed bool
}

func runParseCases(t *testing.T, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.eventType, delivery, tt.body)
			switch {
			case tt.malformed:
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Parse() error = %v, want ErrMalformed", err)
				}
				if _, ok := IsIgnored(err); ok {
					t.Fatalf("Parse() error %v is both malformed and ignored", err)
				}
			case tt.ignored != "":
				ie, ok := IsIgnored(err)
				if !ok {
					t.Fatalf("Parse() error = %v, want an *IgnoredError", err)
				}
				if ie.Reason != tt.ignored || err.Error() != tt.ignored {
					t.Errorf("reason = %q, want %q", ie.Reason, tt.ignored)
				}
				if ie.Event != tt.eventType {
					t.Errorf("IgnoredError.Event = %q, want %q", ie.Event, tt.eventType)
				}
				if errors.Is(err, ErrMalformed) {
					t.Errorf("ignored delivery also reported as malformed: %v", err)
				}
			default:
				if err != nil {
					t.Fatalf("Parse() error = %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Parse() =\n %+v\nwant\n %+v", got, tt.want)
				}
			}
			if err != nil && (got != pipeline.Event{}) {
				t.Errorf("Parse() error %v came with an event %+v", err, got)
			}
		})
	}
}

func TestParseNeedsDeliveryID(t *testing.T) {
	for _, c := range []struct {
		eventType string
		body      []byte
	}{
		{EventPush, fixture(t, "push.json")},
		{EventPush, patched(t, "push.json", func(m map[string]any) { m["after"] = zeroSHA })},
		{EventMergeRequest, fixture(t, "merge_request.json")},
		{EventMergeRequest, patched(t, "merge_request.json", func(m map[string]any) { obj(m, "object_attributes")["action"] = "close" })},
	} {
		_, err := Parse(c.eventType, "", c.body)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), DeliveryHeader) {
			t.Errorf("Parse(%q) without delivery id: error = %v, want ErrMalformed naming the header", c.eventType, err)
		}
	}
}

func TestIgnoredReasonIsPrintable(t *testing.T) {
	body := patched(t, "push.json", func(m map[string]any) {
		m["ref"] = "refs/notes/\x1b[31mred\n" + strings.Repeat("x", 300)
	})
	for _, eventType := range []string{EventPush, EventTagPush} {
		_, err := Parse(eventType, delivery, body)
		ie, ok := IsIgnored(err)
		if !ok {
			t.Fatalf("Parse(%q) error = %v, want an *IgnoredError", eventType, err)
		}
		if strings.ContainsAny(ie.Reason, "\x1b\n") || len(ie.Reason) > 200 {
			t.Errorf("reason %q carries control characters or is too long", ie.Reason)
		}
	}
}

func TestValidNamespace(t *testing.T) {
	deep := strings.TrimSuffix(strings.Repeat("g/", maxNamespaceDepth), "/")
	for ns, want := range map[string]bool{
		"mike": true, "group/sub": true, "my-group/sub_1/v1.2": true, "_x": true, ".dots": true, deep: true,
		deep + "/g": false, "": false, "/a": false, "a/": false, "a//b": false, "../a": false, "a/..": false,
		".": false, "-a": false, "a b": false, "a\\b": false, "a:b": false, "é": false,
		strings.Repeat("a", 255): true, strings.Repeat("a", 256): false,
	} {
		if got := validNamespace(ns); got != want {
			t.Errorf("validNamespace(%q) = %v, want %v", ns, got, want)
		}
	}
}

func BenchmarkParsePush(b *testing.B) {
	body := fixture(b, "push.json")
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(EventPush, delivery, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseRefusesAProjectWithoutDefaultBranch: a push whose project names
// no default branch could not be told from production.
func TestParseRefusesAProjectWithoutDefaultBranch(t *testing.T) {
	body := patched(t, "push.json", func(m map[string]any) { delete(obj(m, "project"), "default_branch") })
	if _, err := Parse(EventPush, "uuid-1", body); err == nil || !strings.Contains(err.Error(), "no default_branch") {
		t.Errorf("push without a default branch: %v, want it refused", err)
	}
}

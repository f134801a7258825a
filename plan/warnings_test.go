package plan

import (
	"context"
	"strings"
	"testing"
)

// What faas-cli ignores is planned past, and said, for the build's log.
func TestPlanSaysWhatTheStackFileHasThatIsIgnored(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"stack.yml":      "functions:\n  web:\n    lang: dockerfile\n    handler: ./web\n    read_timeout: 20s\n",
		"web/Dockerfile": "FROM busybox\n",
	})
	pl, err := New(Config{ImageRef: localRef}).Plan(context.Background(), event(), repo, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Functions) != 1 || pl.Functions[0].Problem != "" {
		t.Fatalf("functions = %+v, want web, planned", pl.Functions)
	}
	if len(pl.Warnings) != 1 || !strings.HasPrefix(pl.Warnings[0], `stack.yml:5: function "web": unknown field "read_timeout" is ignored`) {
		t.Errorf("warnings = %q", pl.Warnings)
	}
}

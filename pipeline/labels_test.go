package pipeline

import "testing"

func TestLabelValue(t *testing.T) {
	tests := map[string]string{
		"main":             "main",
		"feature/x":        "feature_x",
		"My.Functions":     "My.Functions",
		"-lead-and-trail-": "lead-and-trail",
		"日本":               "",
		"0123456789abcdef0123456789abcdef01234567": "0123456789abcdef0123456789abcdef01234567",
		"x" + string(make([]byte, 70)):             "x",
	}
	for in, want := range tests {
		if got := LabelValue(in); got != want {
			t.Errorf("LabelValue(%q) = %q, want %q", in, got, want)
		}
	}
	long := ""
	for range 70 {
		long += "a"
	}
	if got := LabelValue(long); len(got) != 63 {
		t.Errorf("LabelValue of 70 characters has %d, want 63", len(got))
	}
}

func TestPreviewBranch(t *testing.T) {
	ev := Event{Branch: "main", Repo: Repo{DefaultBranch: "main"}}
	if got := ev.PreviewBranch(); got != "" {
		t.Errorf("the default branch previews %q, want production", got)
	}
	ev.Branch = "feature/x"
	if got := ev.PreviewBranch(); got != "feature/x" {
		t.Errorf("PreviewBranch = %q, want feature/x", got)
	}
}

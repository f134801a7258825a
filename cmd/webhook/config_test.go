package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
)

func TestReadConfig(t *testing.T) {
	c, err := readConfig(envconfig.Map(map[string]string{"OFC_GITHUB_WEBHOOK_SECRET": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.QueueStream != "OFC_BUILDS" || c.ReadyTimeout != 2*time.Second {
		t.Errorf("defaults: %+v", c)
	}
	if c.GitLabToken != "" {
		t.Errorf("GitLab token %q by default, want none", c.GitLabToken)
	}
	if !c.AllowedOwners.Empty() || c.BuildTags {
		t.Errorf("by default every owner is allowed (%q) and tags are not built (%v)", c.AllowedOwners, c.BuildTags)
	}

	c, err = readConfig(envconfig.Map(map[string]string{"OFC_GITHUB_WEBHOOK_SECRET": "s", "OFC_ALLOWED_OWNERS": "Alice, group/sub",
		"OFC_GITLAB_WEBHOOK_TOKEN": "glt", "OFC_BUILD_TAGS": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.GitLabToken != "glt" || !c.BuildTags {
		t.Errorf("GitLab token = %q, tags %v; want glt and true", c.GitLabToken, c.BuildTags)
	}
	for owner, want := range map[string]bool{"alice": true, "group/sub/team": true, "mallory": false, "group/subway": false} {
		if c.AllowedOwners.Match(owner) != want {
			t.Errorf("OFC_ALLOWED_OWNERS=%q: owner %q allowed %v, want %v", "Alice, group/sub", owner, !want, want)
		}
	}

	_, err = readConfig(envconfig.Map(map[string]string{"OFC_READY_TIMEOUT": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "OFC_GITHUB_WEBHOOK_SECRET is required") ||
		!strings.Contains(err.Error(), `OFC_READY_TIMEOUT="soon"`) {
		t.Errorf("want every bad setting named at once, got %v", err)
	}
}

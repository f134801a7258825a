package test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/internal/gittest"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/plan"
)

const (
	appID        = 4242
	installation = 77
)

// In GitHub App mode the builder clones and reports with installation
// tokens, one check run per function and one for the build; re-requesting
// a check run builds the commit again.
func TestGitHubAppModeReportsCheckRunsAndRebuildsOnRequest(t *testing.T) {
	sys := newSystem(t, 0)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sys.GitHub.AllowApp(appID, &key.PublicKey)
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	sys.start("builder", "OFC_BUILDER_NAME=builder-0", "OFC_GITHUB_APP_ID=4242", "OFC_GITHUB_APP_PRIVATE_KEY_FILE="+keyFile)

	owner := "e2e-" + randomID()
	removeFunctionsAtEnd(t, sys.svc, owner)
	repo := gittest.NewServer(t).NewRepo(owner, "functions", "main")
	sha := repo.Commit("main", "Add functions", sampleFiles())
	first := sys.pushed(fixture.Push{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", After: sha, Installation: installation})

	tokens := sys.GitHub.InstallationTokens(installation)
	if len(tokens) == 0 {
		t.Fatal("no installation token was requested")
	}
	names := []string{"ofc", "ofc/greet", "ofc/reverse", "ofc/static"}
	checkRuns := func(buildID int64) {
		t.Helper()
		byName := map[string]int{}
		for _, run := range sys.GitHub.CheckRuns(sha) {
			byName[run.Name]++
			if run.Status != "completed" || run.Conclusion != "success" {
				t.Errorf("check run %s: %s/%s, want completed/success", run.Name, run.Status, run.Conclusion)
			}
			if !strings.HasSuffix(run.DetailsURL, "/builds/"+itoa(buildID)) {
				t.Errorf("check run %s links %q, want build %d", run.Name, run.DetailsURL, buildID)
			}
			if !strings.HasPrefix(run.Token, "ghs_") {
				t.Errorf("check run %s written with token %q, want an installation token", run.Name, run.Token)
			}
		}
		for _, n := range names {
			if byName[n] != 1 {
				t.Errorf("%d check runs named %s, want exactly 1: %v", byName[n], n, byName)
			}
		}
	}
	checkRuns(first.ID)
	for _, run := range sys.GitHub.CheckRuns(sha) {
		if run.Name == "ofc/greet" && !strings.Contains(run.Text, "deployed "+plan.DeployName(owner, "functions", "", "greet")) {
			t.Errorf("check run ofc/greet does not end its text with the end of the log:\n%s", run.Text)
		}
	}
	if st := sys.GitHub.Statuses(sha); len(st) != 0 {
		t.Errorf("App mode also set %d commit statuses", len(st))
	}

	body, err := fixture.GitHubCheckRunRerequested(fixture.CheckRun{Owner: owner, Repo: "functions", CloneURL: repo.CloneURL,
		DefaultBranch: "main", Branch: "main", Head: sha, Name: "ofc/greet", Installation: installation})
	if err != nil {
		t.Fatal(err)
	}
	r := sys.deliver(delivery{Event: "check_run", ID: "delivery-" + randomID(), Body: body})
	if r.Code != 202 || r.BuildID == 0 || r.BuildID == first.ID {
		t.Fatalf("re-request answered %d %+v, want a new build", r.Code, r)
	}
	again := sys.waitFinal(r.BuildID, buildWithin)
	if again.State != pipeline.Success || again.Commit != sha {
		t.Fatalf("rebuild: %s of %s (%s)", again.State, again.Commit, again.Error)
	}
	checkRuns(again.ID)
}

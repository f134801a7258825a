package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// leakStack's function asks for a build secret, and its Dockerfile prints
// it, and the service's own GitHub token, before it fails: the worst a
// careless or hostile Dockerfile can do.
const leakStack = `version: 1.0
provider:
  name: openfaas
functions:
  leak:
    lang: dockerfile
    handler: ./leak
    build_secrets:
      npm_token: ./npm-token.txt
`

func leakDockerfile(token, nonce string) string {
	return `FROM busybox:latest
RUN --mount=type=secret,id=npm_token echo "` + nonce + `" && echo "the secret is $(cat /run/secrets/npm_token)" && echo "the token is ` + token + `" && exit 3
`
}

// TestSecretsNeverShow: a build secret and an SCM token printed by a RUN
// step appear masked, never as they are, in the stored log, the JSON API,
// the live stream, the build page, the stored error and the statuses.
func TestSecretsNeverShow(t *testing.T) {
	secretsDir := t.TempDir()
	owner := "e2e-" + randomID()
	secret := "npm-secret-" + randomID()
	token := "ghp_" + randomID() + randomID()
	if err := os.MkdirAll(filepath.Join(secretsDir, owner, "fns"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secretsDir, owner, "fns", "npm_token"), []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sys := newSystemWith(t, 1, "OFC_BUILD_SECRETS_DIR="+secretsDir, "OFC_GITHUB_TOKEN="+token)
	sha, id := sys.pushFirst(owner, "fns", "Print what must not be seen", map[string]string{
		"stack.yml":       leakStack,
		"leak/Dockerfile": leakDockerfile(token, randomID()),
	})
	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Failure || len(b.Functions) != 1 || b.Functions[0].FailedStep != pipeline.StepBuild {
		t.Fatalf("build %s at %q, functions %+v; want the RUN step to fail", b.State, b.FailedStep, b.Functions)
	}

	stored := sys.logText(b.ID)
	// The lines were printed, and masked: without them the test would
	// prove nothing.
	for _, want := range []string{"the secret is ***", "the token is ***", "build secrets: npm_token"} {
		if !strings.Contains(stored, want) {
			t.Errorf("the stored log lacks %q:\n%s", want, tail(stored, 40))
		}
	}
	body, _ := sys.page(b.ID)
	seen := map[string]string{
		"stored log, through the JSON API": stored,
		"live stream":                      sys.followed(b.ID, time.Minute),
		"build page":                       body,
		"build's stored error":             b.Error + "\n" + b.Functions[0].Error,
	}
	for _, st := range sys.GitHub.Statuses(sha) {
		seen["status "+st.Context] += st.Description + "\n"
	}
	if !strings.Contains(seen["build's stored error"], "the secret is ***") {
		t.Errorf("the stored error does not end with the step's masked output: %q", seen["build's stored error"])
	}
	for where, text := range seen {
		for what, v := range map[string]string{"build secret": secret, "GitHub token": token} {
			if strings.Contains(text, v) {
				t.Errorf("the %s shows in the %s", what, where)
			}
		}
	}
}

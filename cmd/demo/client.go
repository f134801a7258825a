package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ofcbuild/ofc/deploy"
	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
	"github.com/ofcbuild/ofc/status/github/githubtest"
)

// deliverPush POSTs a push as GitHub sends it and returns the build id.
func deliverPush(base, secret, cloneURL, sha string) (int64, error) {
	body, err := fixture.GitHubPush(fixture.Push{Owner: "demo", Repo: "hello", CloneURL: cloneURL,
		DefaultBranch: "main", Branch: "main", After: sha, Message: "Say hello", Author: "demo"})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/webhooks/github", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", "demo-"+randomSecret())
	req.Header.Set("X-Hub-Signature-256", scmgithub.Sign([]byte(secret), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var r struct {
		BuildID int64  `json:"build_id"`
		Message string `json:"message"`
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &r)
	if resp.StatusCode != http.StatusAccepted {
		return 0, fmt.Errorf("webhook answered %s: %s", resp.Status, raw)
	}
	return r.BuildID, nil
}

func waitBuild(ctx context.Context, base string, id int64, within time.Duration) (pipeline.Build, error) {
	deadline := time.Now().Add(within)
	var b pipeline.Build
	last := pipeline.State("")
	for time.Now().Before(deadline) && ctx.Err() == nil {
		resp, err := http.Get(base + "/api/builds/" + strconv.FormatInt(id, 10))
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&b)
			resp.Body.Close()
		}
		if err == nil && b.State != last {
			fmt.Printf("   build %d: %s\n", id, b.State)
			last = b.State
		}
		if b.State.Final() {
			return b, nil
		}
		time.Sleep(time.Second)
	}
	return b, fmt.Errorf("build %d still %s after %s", id, b.State, within)
}

// report prints the build as the API, the gateway and GitHub saw it.
func report(ctx context.Context, look envconfig.Lookup, base string, b pipeline.Build, statuses []githubtest.Status) error {
	step(fmt.Sprintf("Build %d: %s", b.ID, b.State))
	if b.Error != "" {
		fmt.Printf("   failed at %s: %s\n", b.FailedStep, b.Error)
	}
	r := envconfig.New(look)
	gw, err := deploy.New(deploy.Config{GatewayURL: r.String("OFC_GATEWAY_URL", ""),
		Username: r.String("OFC_GATEWAY_USER", "admin"), Password: r.String("OFC_GATEWAY_PASSWORD", "")})
	if err != nil {
		return err
	}
	for _, f := range b.Functions {
		fmt.Printf("   function %-8s %-8s image %s\n", f.Name, f.State, f.Image)
		if f.Digest != "" {
			fmt.Printf("   %-17s pushed  digest %s\n", "", f.Digest)
		}
		if fn, err := gw.Get(ctx, f.DeployName); err == nil {
			fmt.Printf("   %-17s on the gateway as %s: %s (%d/%d replicas)\n", "", fn.Name, fn.Image, fn.AvailableReplicas, fn.Replicas)
		}
	}
	step("Commit statuses GitHub received")
	for _, st := range statuses {
		fmt.Printf("   %-10s %-8s %s\n", st.Context, st.State, st.Description)
	}
	step(fmt.Sprintf("GET %s/api/builds/%d", base, b.ID))
	out, _ := json.MarshalIndent(b, "   ", "  ")
	fmt.Printf("   %s\n", out)
	if b.State != pipeline.Success {
		return fmt.Errorf("build %d ended %s", b.ID, b.State)
	}
	return callFunctions(ctx, r.String("OFC_GATEWAY_URL", ""), b)
}

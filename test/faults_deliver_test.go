package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ofcbuild/ofc/internal/fixture"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
)

// newPush makes a repository with one ticker function, each with a
// content of its own (a new image), and the push GitHub would deliver
// for it: of main, or of tag v1 when the test builds tags.
func (o *outage) newPush() *outagePush {
	o.t.Helper()
	name := fmt.Sprintf("fn%d", len(o.pushes))
	repo := o.git.NewRepo(o.owner, name, "main")
	sha := repo.Commit("main", "Add ticker", map[string]string{
		"stack.yml":         tickerStack,
		"ticker/Dockerfile": fmt.Sprintf(tickerDockerfile, randomID(), outageTicks),
	})
	p := fixture.Push{Owner: o.owner, Repo: name, CloneURL: repo.CloneURL, DefaultBranch: "main", Branch: "main", After: sha}
	if o.tags {
		p.Tag = "v1"
	}
	body, err := fixture.GitHubPush(p)
	if err != nil {
		o.t.Fatal(err)
	}
	op := &outagePush{Repo: name, Commit: sha, Delivery: "delivery-" + randomID(), Body: body}
	o.pushes = append(o.pushes, op)
	return op
}

// send delivers p as GitHub does, giving up after GitHub's timeout: a
// later answer is one GitHub never sees. A 202 with a build id makes the
// build one of the accepted, a 503 the delivery one of the refused. Safe
// for concurrent use.
func (o *outage) send(p *outagePush) (reply, http.Header, error) {
	req, err := http.NewRequest(http.MethodPost, o.sys.WebhookURL+"/webhooks/github", bytes.NewReader(p.Body))
	if err != nil {
		return reply{}, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", p.Delivery)
	req.Header.Set("X-Hub-Signature-256", scmgithub.Sign([]byte(o.sys.Secret), p.Body))
	start := time.Now()
	resp, err := (&http.Client{Timeout: githubTimeout}).Do(req)
	if err != nil {
		return reply{}, nil, fmt.Errorf("delivery %s: no answer within GitHub's %s (after %s): %w",
			p.Delivery, githubTimeout, time.Since(start).Round(time.Millisecond), err)
	}
	defer resp.Body.Close()
	r := reply{Code: resp.StatusCode}
	_ = json.NewDecoder(resp.Body).Decode(&r)
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case r.Code == http.StatusAccepted && r.BuildID != 0:
		if p.BuildID != 0 && p.BuildID != r.BuildID {
			return r, resp.Header, fmt.Errorf("delivery %s answered build %d, and %d before", p.Delivery, r.BuildID, p.BuildID)
		}
		p.BuildID = r.BuildID
		o.accepted[r.BuildID] = p
	case r.Code == http.StatusServiceUnavailable:
		if !slices.Contains(o.refused, p) {
			o.refused = append(o.refused, p)
		}
		if resp.Header.Get("Retry-After") == "" {
			return r, resp.Header, fmt.Errorf("delivery %s answered 503 without Retry-After", p.Delivery)
		}
	}
	return r, resp.Header, nil
}

// pushAccepted makes a new push and requires a 202.
func (o *outage) pushAccepted() *outagePush {
	o.t.Helper()
	p := o.newPush()
	r, _, err := o.send(p)
	if err != nil || r.Code != http.StatusAccepted || r.BuildID == 0 {
		o.t.Fatalf("push of %s answered %d %+v (%v), want 202 with a build id", p.Repo, r.Code, r, err)
	}
	return p
}

// pushThroughFault delivers n new pushes, one every interval, while the
// fault begins and ends around them, and returns a func that waits for
// the last answer. Each is answered 202 or 503 with Retry-After: any other
// answer, or none within GitHub's timeout, fails the test.
func (o *outage) pushThroughFault(n int, interval time.Duration) (wait func()) {
	o.t.Helper()
	ps := make([]*outagePush, n)
	for i := range ps {
		ps[i] = o.newPush()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, p := range ps {
			if i > 0 {
				time.Sleep(interval)
			}
			r, _, err := o.send(p)
			if err == nil && r.Code != http.StatusAccepted && r.Code != http.StatusServiceUnavailable {
				err = fmt.Errorf("delivery %s answered %d %+v, want 202 or 503", p.Delivery, r.Code, r)
			}
			if err != nil {
				o.t.Error(err)
			}
		}
	}()
	return func() { <-done }
}

// requireUnready checks that the webhook's /readyz says it cannot take
// deliveries now.
func (o *outage) requireUnready() {
	o.t.Helper()
	resp, err := (&http.Client{Timeout: githubTimeout}).Get(o.sys.WebhookURL + "/readyz")
	if err != nil {
		o.t.Fatalf("readyz during the outage: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		o.t.Errorf("readyz during the outage answered %d, want 503", resp.StatusCode)
	}
}

// redeliverRefused delivers again, as a redelivery from GitHub's UI or
// API does, every push refused during the fault, and requires a 202 for
// each.
func (o *outage) redeliverRefused() {
	o.t.Helper()
	o.mu.Lock()
	refused := append([]*outagePush{}, o.refused...)
	o.mu.Unlock()
	if len(refused) == 0 {
		o.t.Errorf("no delivery was refused while the service was down")
	}
	for _, p := range refused {
		if r, _, err := o.send(p); err != nil || r.Code != http.StatusAccepted || r.BuildID == 0 {
			o.t.Errorf("redelivery of %s after the outage answered %d %+v (%v), want 202", p.Delivery, r.Code, r, err)
		}
	}
}

// redeliverBuildsOnce sends p's delivery again once its build is over,
// as GitHub's "Redeliver" does: the webhook answers 202 with the same
// build, and nothing is built or deployed again.
func (o *outage) redeliverBuildsOnce(p *outagePush) {
	o.t.Helper()
	before := o.sys.build(p.BuildID)
	deploys := o.deploys.of(o.deployName(p))
	r, _, err := o.send(p)
	if err != nil || r.Code != http.StatusAccepted || r.BuildID != p.BuildID || r.Status != "duplicate" {
		o.t.Errorf("redelivery of %s answered %d %+v (%v), want 202 duplicate of build %d", p.Delivery, r.Code, r, err, p.BuildID)
	}
	o.waitQueueDrained()
	after := o.sys.build(p.BuildID)
	if after.State != before.State || after.FinishedAt == nil || before.FinishedAt == nil || !after.FinishedAt.Equal(*before.FinishedAt) {
		o.t.Errorf("build %d after the redelivery: %s finished %v; before: %s finished %v",
			p.BuildID, after.State, after.FinishedAt, before.State, before.FinishedAt)
	}
	if n := len(o.sys.builds(o.owner, p.Repo)); n != 1 {
		o.t.Errorf("%s has %d builds after the redelivery, want 1", p.Repo, n)
	}
	if n := o.deploys.of(o.deployName(p)); n != deploys {
		o.t.Errorf("%s deployed %d times after the redelivery, %d before", o.deployName(p), n, deploys)
	}
}

// waitQueueDrained waits until the build stream holds no request: every
// delivery settled (the stream is a work queue, an ack removes the
// request). A duplicate request waits at most a retry delay or an ack
// wait per attempt.
func (o *outage) waitQueueDrained() {
	o.t.Helper()
	within := retryWaits + outageMaxAttempts*outageAckWait
	nc, err := nats.Connect(o.sys.setting("OFC_NATS_URL"))
	if err != nil {
		o.t.Fatalf("connect to the queue: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		o.t.Fatal(err)
	}
	name := o.sys.setting("OFC_QUEUE_STREAM")
	var msgs uint64
	for deadline := time.Now().Add(within); ; time.Sleep(200 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s, err := js.Stream(ctx, name)
		if err == nil {
			var info *jetstream.StreamInfo
			if info, err = s.Info(ctx); err == nil {
				msgs = info.State.Msgs
			}
		}
		cancel()
		if err == nil && msgs == 0 {
			return
		}
		if time.Now().After(deadline) {
			o.t.Fatalf("stream %s still holds %d requests after %s (%v)", name, msgs, within, err)
		}
	}
}

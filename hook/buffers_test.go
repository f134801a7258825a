package hook

import (
	"bytes"
	"crypto/rand"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/internal/fixture"
	"github.com/ofcbuild/ofc/pipeline"
	scmgithub "github.com/ofcbuild/ofc/scm/github"
)

// onlyReader hides bytes.Reader's WriterTo, so reads go through Read as
// they do from a connection.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestBuffersReadAllWhateverTheHint(t *testing.T) {
	var b buffers
	for _, size := range []int{0, 1, 511, 512, 513, 8 << 10, maxPooled + 10} {
		body := make([]byte, size)
		_, _ = rand.Read(body)
		for _, hint := range []int64{-1, 0, int64(size) / 2, int64(size), int64(size) * 2} {
			got, err := b.readAll(onlyReader{bytes.NewReader(body)}, hint)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("readAll(%d bytes, hint %d) = %d bytes, %v", size, hint, len(got), err)
			}
			b.put(got)
		}
	}
}

// Bodies are read into reused buffers: deliveries handled one after the
// other, or at once, must each be read as sent.
func TestDeliveriesDoNotShareBodies(t *testing.T) {
	rec, pub := &recorder{byID: map[string]pipeline.Build{}}, &publisher{}
	h := handler(rec, pub)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sha := strings.Repeat(string("123456789abcdef"[i%15]), 40)
			body, err := fixture.GitHubPush(fixture.Push{Owner: "alice", Repo: "fns", CloneURL: "https://github.com/alice/fns.git",
				DefaultBranch: "main", Branch: "main", After: sha, Message: strings.Repeat("x", i*100+1)})
			if err != nil {
				t.Error(err)
				return
			}
			delivery := "d-" + sha[:1] + strings.Repeat("-", i)
			if code, r := post(h, "push", delivery, body, scmgithub.Sign([]byte(secret), body)); code != 202 || r.Status != "queued" {
				t.Errorf("delivery %d: %d %+v", i, code, r)
			}
		}()
	}
	wg.Wait()
	if len(pub.reqs) != n {
		t.Fatalf("%d published, want %d", len(pub.reqs), n)
	}
	for _, req := range pub.reqs {
		ev := req.Event
		if ev.Commit[:1] != ev.DeliveryID[2:3] || len(ev.Message) != 100*(len(ev.DeliveryID)-3)+1 {
			t.Errorf("delivery %s carries commit %s and a message of %d bytes", ev.DeliveryID, ev.Commit, len(ev.Message))
		}
	}
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/ofcbuild/ofc/migrations"
	"github.com/ofcbuild/ofc/pipeline"
	"github.com/ofcbuild/ofc/store/pgtest"
)

// These tests hand recordEvents batches of their choosing, which the
// batcher would only form by the timing of concurrent calls.

func batchStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	pool, err := Open(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := migrations.Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return New(pool)
}

func batchEvent(owner, delivery string) pipeline.Event {
	return pipeline.Event{
		DeliveryID: delivery,
		Kind:       pipeline.Push,
		Repo: pipeline.Repo{Provider: pipeline.GitHub, Owner: owner, Name: "fns",
			CloneURL: "https://github.com/" + owner + "/fns.git", HTMLURL: "https://github.com/" + owner + "/fns",
			DefaultBranch: "main"},
		Ref: "refs/heads/main", Branch: "main", Commit: "0123456789abcdef0123456789abcdef01234567",
		Message: "commit of " + delivery, Author: "alice",
	}
}

func pending(t *testing.T, evs ...pipeline.Event) []pendingEvent {
	t.Helper()
	out := make([]pendingEvent, len(evs))
	for i, ev := range evs {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = pendingEvent{ev: ev, json: b}
	}
	return out
}

func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordEventsDuplicateInOneBatch(t *testing.T) {
	s := batchStore(t)
	again := batchEvent("acme", "d-1")
	again.Message = "a redelivery says the same"
	got, err := s.recordEvents(context.Background(), pending(t, batchEvent("acme", "d-1"), again, batchEvent("acme", "d-2")))
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].created || got[1].created || !got[2].created {
		t.Errorf("created = %v %v %v, want true false true", got[0].created, got[1].created, got[2].created)
	}
	if got[0].b.ID == 0 || !reflect.DeepEqual(got[1].b, got[0].b) {
		t.Errorf("the duplicate got build %+v, the first %+v", got[1].b, got[0].b)
	}
	if got[2].b.ID == got[0].b.ID || got[2].b.DeliveryID != "d-2" {
		t.Errorf("d-2 got build %+v", got[2].b)
	}
	if got[0].b.Message != "commit of d-1" || got[0].b.State != pipeline.Queued || got[0].b.Repo.CloneURL == "" {
		t.Errorf("build = %+v, want the first event's queued build", got[0].b)
	}
	if n := count(t, s, "builds"); n != 2 {
		t.Errorf("%d builds stored, want 2", n)
	}
}

func TestRecordEventsDuplicateAcrossBatches(t *testing.T) {
	s := batchStore(t)
	ctx := context.Background()
	first, err := s.recordEvents(ctx, pending(t, batchEvent("acme", "d-1")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.recordEvents(ctx, pending(t, batchEvent("acme", "d-3"), batchEvent("acme", "d-1"), batchEvent("acme", "d-1")))
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].created || got[1].created || got[2].created {
		t.Errorf("created = %v %v %v, want true false false", got[0].created, got[1].created, got[2].created)
	}
	was := first[0].b
	for _, r := range got[1:] {
		if r.b.ID != was.ID || r.b.DeliveryID != "d-1" || r.b.Repo != was.Repo || !r.b.CreatedAt.Equal(was.CreatedAt) {
			t.Errorf("redelivery got build %+v, want the recorded %+v", r.b, was)
		}
	}
	if n := count(t, s, "builds"); n != 2 {
		t.Errorf("%d builds stored, want 2", n)
	}
}

func TestRecordEventsOfSeveralRepositories(t *testing.T) {
	s := batchStore(t)
	moved := batchEvent("acme", "d-3")
	moved.Repo.DefaultBranch, moved.Repo.HTMLURL = "trunk", ""
	got, err := s.recordEvents(context.Background(), pending(t, batchEvent("acme", "d-1"), batchEvent("umbrella", "d-2"), moved))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if !r.created || r.err != nil {
			t.Fatalf("event %d: created %v, %v", i, r.created, r.err)
		}
	}
	acme, umbrella := got[0].b.Repo, got[1].b.Repo
	if acme.Owner != "acme" || umbrella.Owner != "umbrella" || got[2].b.Repo != acme {
		t.Errorf("repos = %+v, %+v, %+v", acme, umbrella, got[2].b.Repo)
	}
	// As if recorded one after the other: the later event's branch wins,
	// and the web URL it left out is kept.
	if acme.DefaultBranch != "trunk" || acme.HTMLURL != "https://github.com/acme/fns" {
		t.Errorf("acme = %+v, want default branch trunk and its web URL", acme)
	}
	if n := count(t, s, "repos"); n != 2 {
		t.Errorf("%d repos stored, want 2", n)
	}
}

func TestRecordEventsFailsWhole(t *testing.T) {
	s := batchStore(t)
	batch := pending(t, batchEvent("acme", "d-1"), batchEvent("acme", "d-2"))
	batch[1].json = []byte("{not json")
	if _, err := s.recordEvents(context.Background(), batch); err == nil {
		t.Fatal("a batch with a broken event succeeded")
	}
	if n := count(t, s, "builds"); n != 0 {
		t.Errorf("%d builds stored by a failed batch, want none", n)
	}
}

func TestRecordEventConcurrentDeliveries(t *testing.T) {
	s := batchStore(t)
	const callers, deliveries = 60, 12
	type result struct {
		b       pipeline.Build
		created bool
		err     error
	}
	results := make([]result, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, created, err := s.RecordEvent(context.Background(), batchEvent("acme", fmt.Sprintf("d-%d", i%deliveries)))
			results[i] = result{b, created, err}
		}()
	}
	wg.Wait()
	ids := map[string]int64{}
	created := map[string]int{}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		d := fmt.Sprintf("d-%d", i%deliveries)
		if r.b.DeliveryID != d {
			t.Fatalf("call %d for %s got the build of %s", i, d, r.b.DeliveryID)
		}
		if id, ok := ids[d]; ok && id != r.b.ID {
			t.Errorf("%s got builds %d and %d", d, id, r.b.ID)
		}
		ids[d] = r.b.ID
		if r.created {
			created[d]++
		}
	}
	for d := range ids {
		if created[d] != 1 {
			t.Errorf("%s created %d times, want once", d, created[d])
		}
	}
	if n := count(t, s, "builds"); n != deliveries {
		t.Errorf("%d builds stored, want %d", n, deliveries)
	}
}

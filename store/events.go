package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// recordEvents inserts the repositories and the queued builds of a batch of
// events in one statement, and returns a row for each build it inserted:
// its delivery id, id and creation time, and its repository's stored
// details. A delivery recorded before inserts nothing; a concurrent insert
// of the same delivery waits for the first to commit and then does the
// same. Builds are inserted in delivery order, so that two batches sharing
// deliveries never deadlock.
//
// Parameters after those of upsertRepos, one array element per event:
// $8 the event's repository (its n in upsertRepos), $9 delivery_id,
// $10 kind, $11 ref, $12 branch, $13 commit_sha, $14 message, $15 author,
// $16 the event as JSON.
const recordEvents = `WITH ` + upsertRepos + `, build AS (
	INSERT INTO builds (repo_id, delivery_id, kind, ref, branch, commit_sha, message, author, event)
	SELECT repo.id, e.delivery_id, e.kind, e.ref, e.branch, e.commit_sha, e.message, e.author, e.event::jsonb
	FROM unnest($8::int8[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
		AS e(repo, delivery_id, kind, ref, branch, commit_sha, message, author, event)
	JOIN repo ON repo.n = e.repo
	ORDER BY e.delivery_id
	ON CONFLICT (delivery_id) DO NOTHING
	RETURNING id, repo_id, delivery_id, created_at, kind, branch, commit_sha, event
), ` + supersede + `
SELECT build.delivery_id, build.id, build.created_at, repo.clone_url, repo.html_url, repo.default_branch, repo.private
FROM build JOIN repo ON repo.id = build.repo_id`

// supersede marks the unfinished builds of each new build's branch (a
// push's) or pull request as superseded by its commit: a queued one ends
// at once, a running one is stopped by its builder at its next heartbeat.
// An older build whose push came after the new commit (its Before is that
// commit) is newer code delivered first, and is left alone; so is a build
// of the same commit. Builds recorded in the same statement do not see
// each other: their deploys still only move forward. A build a user
// asked for (a rebuild, a rollback: its event has a trigger) supersedes
// nothing: it is not a newer push.
const supersede = `superseded AS (
	UPDATE builds o SET
		superseded_by = n.commit_sha,
		state         = CASE WHEN o.state = 'queued' THEN 'superseded' ELSE o.state END,
		error         = CASE WHEN o.state = 'queued' THEN 'superseded by ' || n.commit_sha ELSE o.error END,
		finished_at   = CASE WHEN o.state = 'queued' THEN now() ELSE o.finished_at END
	FROM build n
	WHERE o.repo_id = n.repo_id AND o.kind = n.kind AND o.branch = n.branch AND o.id < n.id
	  AND o.state IN ('queued', 'running') AND o.superseded_by = ''
	  AND n.kind IN ('push', 'pull_request') AND n.event->'trigger' IS NULL
	  AND (n.kind = 'push' OR o.event->>'pull_request' = n.event->>'pull_request')
	  AND o.commit_sha <> n.commit_sha
	  AND COALESCE(o.event->>'before', '') <> n.commit_sha
)`

// maxBatch bounds the events recorded by one statement.
const maxBatch = 256

// maxBatchRuns bounds the statements recording events at once. One at a
// time makes the calls that arrive meanwhile leave together in the next
// one: on a busy webhook that measured faster than overlapping smaller
// batches, whose per-statement and per-commit work costs Postgres more
// than the wait saves.
const maxBatchRuns = 1

// batchTimeout bounds one batch, whose statement no caller can cancel.
const batchTimeout = 30 * time.Second

// newEventRecorder returns the batcher behind RecordEvent.
func newEventRecorder(s *Store) *batcher[pendingEvent, recorded] {
	return &batcher[pendingEvent, recorded]{run: s.recordEvents, maxItems: maxBatch, maxRuns: maxBatchRuns, timeout: batchTimeout}
}

// pendingEvent is an event waiting for its batch, with its JSON encoding.
type pendingEvent struct {
	ev   pipeline.Event
	json []byte
}

// recorded is what RecordEvent returns for one event.
type recorded struct {
	b       pipeline.Build
	created bool
	err     error
}

// RecordEvent records ev and its queued build. A delivery recorded before
// returns the build it made, with created false. Concurrent calls are
// recorded together, one statement and one commit for all of them.
func (s *Store) RecordEvent(ctx context.Context, ev pipeline.Event) (pipeline.Build, bool, error) {
	if ev.DeliveryID == "" {
		return pipeline.Build{}, false, fmt.Errorf("record event for %s@%s: no delivery id", ev.Repo.FullName(), ev.ShortCommit())
	}
	event, err := json.Marshal(ev)
	if err != nil {
		return pipeline.Build{}, false, fmt.Errorf("record delivery %s: encode event: %w", ev.DeliveryID, err)
	}
	r, err := s.events.do(ctx, pendingEvent{ev: ev, json: event})
	if err == nil {
		err = r.err
	}
	if err != nil {
		return pipeline.Build{}, false, fmt.Errorf("record delivery %s for %s@%s: %w", ev.DeliveryID, ev.Repo.FullName(), ev.ShortCommit(), err)
	}
	return r.b, r.created, nil
}

// recordEvents records a batch of events. The first event of each
// delivery makes its build; any other event of the same delivery, in this
// batch or recorded before, gets that build with created false.
func (s *Store) recordEvents(ctx context.Context, batch []pendingEvent) ([]recorded, error) {
	a := newEventArgs(batch)
	// One result per delivery, by its index in a's delivery arrays.
	builds := make([]pipeline.Build, len(a.delivery))
	inserted := make([]bool, len(a.delivery))
	rows, _ := s.pool.Query(ctx, recordEvents, a.args()...)
	var (
		delivery  string
		id        int64
		createdAt time.Time
		r         pipeline.Repo
	)
	_, err := pgx.ForEachRow(rows, []any{&delivery, &id, &createdAt, &r.CloneURL, &r.HTMLURL, &r.DefaultBranch, &r.Private}, func() error {
		i, ok := a.slots[delivery]
		if !ok {
			return fmt.Errorf("statement returned a build of delivery %s, which is not in the batch", delivery)
		}
		// The new row is what the event says: no second round trip to read it.
		ev := a.events[i]
		repo := ev.Repo
		repo.CloneURL, repo.HTMLURL, repo.DefaultBranch, repo.Private = r.CloneURL, r.HTMLURL, r.DefaultBranch, r.Private
		builds[i] = pipeline.Build{ID: id, Repo: repo, DeliveryID: ev.DeliveryID, Branch: ev.Branch,
			Commit: ev.Commit, Message: ev.Message, Author: ev.Author, State: pipeline.Queued,
			Kind: ev.Kind, PullRequest: ev.PullRequest, Tag: ev.Tag, CreatedAt: createdAt.UTC()}
		inserted[i] = true
		return nil
	})
	if err != nil {
		return nil, err
	}

	var recordedBefore []string
	for i, ok := range inserted {
		if !ok {
			recordedBefore = append(recordedBefore, a.delivery[i])
		}
	}
	found, err := s.buildsOfDeliveries(ctx, recordedBefore)
	if err != nil {
		return nil, err
	}

	out := make([]recorded, len(batch))
	for i, slot := range a.slot {
		switch {
		case inserted[slot]:
			out[i] = recorded{b: builds[slot], created: a.first[i]}
		case found[a.delivery[slot]].ID != 0:
			out[i] = recorded{b: found[a.delivery[slot]]}
		default:
			// Recorded by another call, then gone before it could be read.
			out[i] = recorded{err: pipeline.ErrNotFound}
		}
	}
	return out, nil
}

// buildsOfDeliveries reads the builds of deliveries recorded before, by
// delivery id.
func (s *Store) buildsOfDeliveries(ctx context.Context, deliveries []string) (map[string]pipeline.Build, error) {
	if len(deliveries) == 0 {
		return nil, nil
	}
	rows, _ := s.pool.Query(ctx,
		`SELECT `+readColumns+` FROM builds b JOIN repos r ON r.id = b.repo_id WHERE b.delivery_id = ANY($1)`, deliveries)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[readRow])
	if err != nil {
		return nil, fmt.Errorf("read builds recorded before: %w", err)
	}
	found := make(map[string]pipeline.Build, len(list))
	for _, r := range list {
		found[r.DeliveryID] = r.build()
	}
	return found, nil
}

// Package apitest serves tests of the API's handlers and of its clients:
// a build whose log grows while the test watches.
package apitest

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// LiveBuild is one build and its log, kept in memory. It implements
// pipeline.BuildReader, pipeline.LogReader, api.LogFollower and
// api.Access, so that the API's own handlers can serve it. Lines are
// stored, then published, as the builder does. Safe for concurrent use.
type LiveBuild struct {
	// Token reads a private repository ("Authorization: Bearer <Token>");
	// a public one is read by anyone.
	Token string
	// Clock times line seq; nil is time.Now.
	Clock func(seq int64) time.Time

	mu    sync.Mutex
	build pipeline.Build
	lines []pipeline.LogLine
	subs  []chan pipeline.LogBatch
}

// New returns b with no log yet.
func New(b pipeline.Build) *LiveBuild { return &LiveBuild{build: b} }

// ListBuilds lists the build when it is owner/repo's.
func (b *LiveBuild) ListBuilds(_ context.Context, owner, repo string, _ int) ([]pipeline.Build, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if owner+"/"+repo != b.build.Repo.FullName() {
		return nil, nil
	}
	return []pipeline.Build{b.build}, nil
}

// GetBuild returns the build, or ErrNotFound for any other id.
func (b *LiveBuild) GetBuild(_ context.Context, id int64) (pipeline.Build, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if id != b.build.ID {
		return pipeline.Build{}, pipeline.ErrNotFound
	}
	return b.build, nil
}

// ReadLog implements pipeline.LogReader.
func (b *LiveBuild) ReadLog(_ context.Context, _ int64, function *string, after int64, limit int) ([]pipeline.LogLine, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []pipeline.LogLine
	for _, l := range b.lines {
		if l.Seq > after && (function == nil || *function == l.Function) && (limit <= 0 || len(out) < limit) {
			out = append(out, l)
		}
	}
	return out, nil
}

// FollowLog subscribes to the lines logged from now on.
func (b *LiveBuild) FollowLog(context.Context, int64) (<-chan pipeline.LogBatch, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan pipeline.LogBatch, 64)
	b.subs = append(b.subs, ch)
	return ch, nil
}

// CanReadRepo reports whether repo is public or r carries the token.
func (b *LiveBuild) CanReadRepo(r *http.Request, repo pipeline.Repo) bool {
	return !repo.Private || b.Token != "" && r.Header.Get("Authorization") == "Bearer "+b.Token
}

// CanReadBuild reads the build as its repository.
func (b *LiveBuild) CanReadBuild(r *http.Request, build pipeline.Build) bool {
	return b.CanReadRepo(r, build.Repo)
}

// Log stores a line of stream fn and publishes it.
func (b *LiveBuild) Log(fn string, step pipeline.Step, text string) pipeline.LogLine {
	return b.add(fn, step, text, true)
}

// LogLost stores a line whose publication is lost on the way: a follower
// finds it only in the store.
func (b *LiveBuild) LogLost(fn string, step pipeline.Step, text string) pipeline.LogLine {
	return b.add(fn, step, text, false)
}

func (b *LiveBuild) add(fn string, step pipeline.Step, text string, publish bool) pipeline.LogLine {
	b.mu.Lock()
	seq := int64(len(b.lines) + 1)
	at := time.Now().UTC()
	if b.Clock != nil {
		at = b.Clock(seq)
	}
	l := pipeline.LogLine{Seq: seq, Function: fn, Step: step, Time: at, Text: text}
	b.lines = append(b.lines, l)
	subs := b.subs
	b.mu.Unlock()
	if publish {
		b.publish(subs, pipeline.LogBatch{Lines: []pipeline.LogLine{l}})
	}
	return l
}

// End records the build's final state, then publishes the news.
func (b *LiveBuild) End(state pipeline.State) {
	b.mu.Lock()
	b.build.State = state
	subs := b.subs
	b.mu.Unlock()
	b.publish(subs, pipeline.LogBatch{End: true})
}

func (b *LiveBuild) publish(subs []chan pipeline.LogBatch, batch pipeline.LogBatch) {
	for _, s := range subs {
		s <- batch
	}
}

// Followers is how many have subscribed so far.
func (b *LiveBuild) Followers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

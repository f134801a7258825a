package logs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// memStore keeps chunks; published records what followers got, in order.
type memStore struct {
	mu        sync.Mutex
	lines     []pipeline.LogLine
	published []pipeline.LogBatch
}

func (m *memStore) AppendLog(_ context.Context, _ int64, lines []pipeline.LogLine) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.lines); n > 0 && lines[0].Seq != m.lines[n-1].Seq+1 {
		return fmt.Errorf("chunk starting at %d after %d", lines[0].Seq, m.lines[n-1].Seq)
	}
	m.lines = append(m.lines, lines...)
	return nil
}

func (m *memStore) LastLogSeq(context.Context, int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.lines) == 0 {
		return 0, nil
	}
	return m.lines[len(m.lines)-1].Seq, nil
}

func (m *memStore) PublishLog(_ context.Context, _ int64, b pipeline.LogBatch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.published = append(m.published, b)
	return nil
}

func (m *memStore) texts(function string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, l := range m.lines {
		if l.Function == function {
			out = append(out, l.Text)
		}
	}
	return out
}

func TestLinesAreStoredInOrderThenPublished(t *testing.T) {
	st := &memStore{}
	red := &Redactor{}
	red.Add("ghp_secret_token_123")
	r := New(Config{Store: st, Publisher: st, Redactor: red, FlushEvery: 10 * time.Millisecond})
	ctx := context.Background()
	r.Line(ctx, 7, "", pipeline.StepClone, "fetching with ghp_secret_token_123")
	var wg sync.WaitGroup
	for _, fn := range []string{"greet", "reverse"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				r.Line(ctx, 7, fn, pipeline.StepBuild, fmt.Sprintf("%s line %d", fn, i))
			}
		}()
	}
	wg.Wait()
	// A line waits no longer than FlushEvery: it is stored and published
	// before the build ends.
	deadline := time.Now().Add(2 * time.Second)
	for len(st.texts("reverse")) < 200 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(st.texts("reverse")); n != 200 {
		t.Fatalf("%d of reverse's lines stored before the end, want all 200", n)
	}
	r.Flush(ctx, 7, true)

	if got := st.texts(""); len(got) != 1 || got[0] != "fetching with ***" {
		t.Errorf("build stream %q, want the token masked", got)
	}
	for _, fn := range []string{"greet", "reverse"} {
		for i, text := range st.texts(fn) {
			if text != fmt.Sprintf("%s line %d", fn, i) {
				t.Fatalf("%s's line %d is %q", fn, i, text)
			}
		}
	}
	var seq int64
	for _, b := range st.published {
		for _, l := range b.Lines {
			if l.Seq != seq+1 {
				t.Fatalf("published line %d after %d", l.Seq, seq)
			}
			seq = l.Seq
		}
	}
	if last := st.published[len(st.published)-1]; !last.End || seq != 401 {
		t.Errorf("published up to %d, last batch %+v; want 401 lines, then the end", seq, last)
	}

	// A later attempt numbers on.
	r.Line(ctx, 7, "", pipeline.StepClone, "second attempt")
	r.Flush(ctx, 7, false)
	if l := st.lines[len(st.lines)-1]; l.Seq != 402 || l.Text != "second attempt" {
		t.Errorf("the next attempt's line is %+v, want Seq 402", l)
	}
}

func TestAStreamPastItsBoundIsTruncatedWithItsEndKept(t *testing.T) {
	st := &memStore{}
	r := New(Config{Store: st, MaxBytes: 1000, TailBytes: 100, FlushEvery: time.Hour})
	ctx := context.Background()
	for i := range 10000 {
		r.Line(ctx, 1, "noisy", pipeline.StepBuild, fmt.Sprintf("line %05d", i))
	}
	r.Line(ctx, 1, "quiet", pipeline.StepBuild, "all good")
	r.Line(ctx, 1, "noisy", pipeline.StepBuild, "error: exit code 1")
	r.Flush(ctx, 1, true)

	got := st.texts("noisy")
	stored := 0
	for _, l := range got {
		stored += len(l) + 1
	}
	if stored > 1000+100+400 {
		t.Errorf("noisy stored %d bytes, want about the bound (1000) and the tail (100)", stored)
	}
	marker := func(prefix string) int {
		for i, l := range got {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		return -1
	}
	first, second := marker("[log truncated: this log is over 1000 bytes"), marker("[log truncated: ")
	last := marker("[log truncated: 99")
	if first < 0 || last <= first || got[0] != "line 00000" || got[len(got)-1] != "error: exit code 1" {
		t.Errorf("noisy's log: first %v ... last %v; markers at %d, %d", got[:3], got[len(got)-3:], first, second)
	}
	if q := st.texts("quiet"); len(q) != 1 || q[0] != "all good" {
		t.Errorf("another function's log %q suffered from the noisy one", q)
	}
}

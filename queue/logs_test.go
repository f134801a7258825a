package queue

import (
	"context"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestALogFollowerGetsEachBatchOfItsBuildInOrder(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q, err := Connect(ctx, Config{URL: startNATS(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	ch, err := q.FollowLog(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	// Published right after FollowLog returns, so never missed.
	for seq := int64(1); seq <= 50; seq++ {
		if err := q.PublishLog(ctx, 8, pipeline.LogBatch{Lines: []pipeline.LogLine{{Seq: seq, Text: "other build"}}}); err != nil {
			t.Fatal(err)
		}
		if err := q.PublishLog(ctx, 7, pipeline.LogBatch{Lines: []pipeline.LogLine{{Seq: seq, Text: "line"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.PublishLog(ctx, 7, pipeline.LogBatch{End: true}); err != nil {
		t.Fatal(err)
	}
	for want := int64(1); ; want++ {
		select {
		case b := <-ch:
			if b.End {
				if want != 51 {
					t.Fatalf("end after %d lines, want 50", want-1)
				}
				cancel()
				if _, open := <-ch; open {
					t.Error("the channel stays open after ctx ends")
				}
				return
			}
			if len(b.Lines) != 1 || b.Lines[0].Seq != want || b.Lines[0].Text != "line" {
				t.Fatalf("batch %+v, want line %d of build 7", b, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("line %d did not come", want)
		}
	}
}

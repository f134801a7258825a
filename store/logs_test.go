package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

func TestLogIsReadBackInOrderByStream(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	b, _, err := db.RecordEvent(ctx, pushEvent("acme", "fns", "d-log"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	line := func(seq int64, fn, text string) pipeline.LogLine {
		return pipeline.LogLine{Seq: seq, Function: fn, Step: pipeline.StepBuild, Time: at.Add(time.Duration(seq) * time.Millisecond), Text: text}
	}
	first := []pipeline.LogLine{line(1, "", "fetching acme/fns"), line(2, "greet", "#1 [internal] load build definition"), line(3, "reverse", "#1 DONE 0.1s")}
	second := []pipeline.LogLine{line(4, "greet", `printf "<b>\t✓"`), line(5, "", "2 functions: greet, reverse")}
	for _, chunk := range [][]pipeline.LogLine{first, second, first} { // the repeat is a retried append
		if err := db.AppendLog(ctx, b.ID, chunk); err != nil {
			t.Fatal(err)
		}
	}
	if seq, err := db.LastLogSeq(ctx, b.ID); err != nil || seq != 5 {
		t.Errorf("LastLogSeq = %d, %v; want 5", seq, err)
	}

	all, err := db.ReadLog(ctx, b.ID, nil, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(append([]pipeline.LogLine{}, first...), second...); !reflect.DeepEqual(all, want) {
		t.Errorf("whole log:\n got %+v\nwant %+v", all, want)
	}
	greet := "greet"
	if got, _ := db.ReadLog(ctx, b.ID, &greet, 0, 0); !reflect.DeepEqual(got, []pipeline.LogLine{first[1], second[0]}) {
		t.Errorf("greet's stream: %+v", got)
	}
	build := ""
	if got, _ := db.ReadLog(ctx, b.ID, &build, 1, 0); !reflect.DeepEqual(got, []pipeline.LogLine{second[1]}) {
		t.Errorf("the build's stream after line 1: %+v", got)
	}
	if got, _ := db.ReadLog(ctx, b.ID, nil, 2, 2); len(got) != 2 || got[0].Seq != 3 || got[1].Seq != 4 {
		t.Errorf("a page of 2 after line 2: %+v", got)
	}
	if got, err := db.ReadLog(ctx, 987654, nil, 0, 0); err != nil || len(got) != 0 {
		t.Errorf("log of an unknown build: %+v, %v; want none", got, err)
	}
}

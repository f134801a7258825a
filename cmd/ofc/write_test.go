package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
)

// bodies records the JSON bodies of the writes the fake API takes.
type bodies struct {
	mu   sync.Mutex
	got  map[string]map[string]any
	code int
}

func (b *bodies) handler(answer string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		b.mu.Lock()
		b.got[r.URL.Path] = body
		b.mu.Unlock()
		if b.code != 0 {
			writeJSON(w, b.code, map[string]string{"error": `token "ci" may only read: a rebuild needs a token of scope write; OFC_API_TOKENS lists such tokens as name:write:token`})
			return
		}
		writeJSON(w, 202, map[string]any{"status": "queued", "build_id": 8, "message": answer})
	}
}

func TestWrites(t *testing.T) {
	api := newFakeAPI(t)
	b := &bodies{got: map[string]map[string]any{}}
	api.handle("POST /api/builds/7/rebuild", b.handler("build 8 queued: rebuild of build 7 at abc1234, asked by alice"))
	api.handle("POST /api/builds/7/cancel", b.handler("build 7 cancelled by alice"))
	api.handle("POST /api/rollback", b.handler("build 9 queued: rollback of build 5 at abc1234, asked by alice"))
	env := map[string]string{"OFC_TOKEN": "w"}

	got := api.run(env, "rebuild", "7", "--filter", "*search,api", "--filter", "web")
	wantResult(t, got, 0, "build 8 queued: rebuild of build 7 at abc1234, asked by alice\n")
	body := b.got["/api/builds/7/rebuild"]
	if fns, _ := json.Marshal(body["functions"]); string(fns) != `["*search","api","web"]` || body["reuse"] != false {
		t.Errorf("rebuild body %v", body)
	}
	if r := api.asked()[0]; r.Method != "POST" || r.Header.Get("Authorization") != "Bearer w" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("rebuild request %s %v", r.Method, r.Header)
	}
	wantResult(t, api.run(env, "rebuild", "--reuse", "7"), 0, "build 8 queued: rebuild of build 7 at abc1234, asked by alice\n")
	if b.got["/api/builds/7/rebuild"]["reuse"] != true {
		t.Errorf("--reuse not sent: %v", b.got["/api/builds/7/rebuild"])
	}

	wantResult(t, api.run(env, "cancel", "7"), 0, "build 7 cancelled by alice\n")

	got = api.run(env, "rollback", "alice/fns", "--branch", "main", "--to", "5")
	wantResult(t, got, 0, "build 9 queued: rollback of build 5 at abc1234, asked by alice\n")
	if body := b.got["/api/rollback"]; body["owner"] != "alice" || body["repo"] != "fns" || body["branch"] != "main" || body["to"] != 5.0 {
		t.Errorf("rollback body %v", body)
	}

	for _, args := range [][]string{{"rebuild"}, {"rebuild", "x"}, {"cancel", "1", "2"}, {"rollback"}, {"rollback", "nope"}} {
		if got := api.run(env, args...); got.code != exitUsage {
			t.Errorf("ofc %q = %+v, want a usage error", args, got)
		}
	}

	b.code = http.StatusForbidden
	got = api.run(map[string]string{"OFC_TOKEN": "r"}, "rebuild", "7")
	wantResult(t, got, exitAPI, "")
	wantStderr(t, got, `rebuild build 7: POST /api/builds/7/rebuild: token "ci" may only read: a rebuild needs a token of scope write`)
}

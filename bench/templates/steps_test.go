package main

import (
	"slices"
	"testing"
	"time"
)

// rebuildLog is BuildKit's plain progress of a node20 rebuild after a
// change of the handler, shortened.
const rebuildLog = `#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 1.83kB done
#1 DONE 0.0s
#6 [ship  1/11] FROM docker.io/library/node:20-bookworm-slim@sha256:1adac00e
#6 resolve docker.io/library/node:20-bookworm-slim@sha256:1adac00e done
#6 DONE 0.0s
#9 [ship  3/11] RUN groupadd --system --gid 1001 app
#9 CACHED
#15 [ship  8/11] RUN --mount=type=secret,id=npmrc,target=/home/app/.npmrc,uid=1001,required=false     --mount=type=cache,id=ofc-npm,target=/home/app/.npm sh /home/app/npm-install.sh
#15 CACHED
#16 [ship  9/11] COPY --chown=app:app function/ ./
#16 DONE 0.0s
#17 [ship 10/11] RUN npm test --if-present
#17 0.512 > openfaas-function@1.0.0 test
#17 DONE 0.7s
#19 exporting to image
#19 exporting layers 0.0s done
#19 pushing layers 0.1s done
#19 DONE 0.2s
`

func TestSteps(t *testing.T) {
	got := steps(rebuildLog)
	want := []step{
		{name: "[internal] load build definition from Dockerfile"},
		{name: "[ship  1/11] FROM docker.io/library/node:20-bookworm-slim@sha256:1adac00e"},
		{name: "[ship  3/11] RUN groupadd --system --gid 1001 app", cached: true},
		{name: "[ship  8/11] RUN --mount=type=secret,id=npmrc,target=/home/app/.npmrc,uid=1001,required=false     --mount=type=cache,id=ofc-npm,target=/home/app/.npm sh /home/app/npm-install.sh", cached: true},
		{name: "[ship  9/11] COPY --chown=app:app function/ ./"},
		{name: "[ship 10/11] RUN npm test --if-present", took: 700 * time.Millisecond},
		{name: "exporting to image", took: 200 * time.Millisecond},
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps:\n got %+v\nwant %+v", got, want)
	}
	// Of the ten after the FROM: the COPY and the RUN ran again.
	if ran, of := instructionsRun(got); ran != 2 || of != 10 {
		t.Errorf("instructionsRun = %d of %d, want 2 of 10", ran, of)
	}
}

func TestInstructionsRunAddsTheStages(t *testing.T) {
	ss := []step{
		{name: "[build 7/9] RUN sh go-build.sh build"},
		{name: "[ship 2/7] RUN groupadd app", cached: true},
		{name: "[ship 5/7] COPY --from=build /go/src/handler/handler ."},
		{name: "[3/4] COPY . ."},
	}
	if ran, of := instructionsRun(ss); ran != 3 || of != 8+6+3 {
		t.Errorf("instructionsRun = %d of %d, want 3 of 17", ran, of)
	}
}

func TestShortName(t *testing.T) {
	if got := shortName(rebuildLogStep8); got != "[ship 8/11] RUN sh /home/app/npm-install.sh" {
		t.Errorf("shortName = %q", got)
	}
	long := "[build 7/9] RUN sh -c 'echo a very long command line that goes on and on and on'"
	if got := []rune(shortName(long)); len(got) != 60 || got[59] != '…' {
		t.Errorf("shortName of a long name = %q", string(got))
	}
}

const rebuildLogStep8 = "[ship  8/11] RUN --mount=type=secret,id=npmrc,target=/home/app/.npmrc     --mount=type=cache,id=ofc-npm,target=/home/app/.npm     sh /home/app/npm-install.sh"

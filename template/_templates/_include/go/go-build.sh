#!/bin/sh
# Builds the handler of the Go templates in /go/src/handler, as OpenFaaS's
# templates do: gofmt must have nothing to change, ./handler is built and
# the function's tests run.
#   go-build.sh deps    download the function's modules (go.mod, go.sum)
#   go-build.sh build   check, test and build
# GO111MODULE unset chooses by the handler: modules when function/go.mod
# is there, GOPATH mode (vendored code only) when not.
set -e
if [ -f /etc/ssl/ofc/ca.pem ]; then export SSL_CERT_FILE=/etc/ssl/ofc/ca.pem; fi
if [ -z "$GO111MODULE" ]; then
	if [ -f function/go.mod ]; then GO111MODULE=on; else GO111MODULE=off; fi
fi
export GO111MODULE

case "$1" in
deps)
	if [ "$GO111MODULE" != "off" ] && [ -f function/go.mod ]; then
		cd function && go mod download
	fi
	;;
build)
	files="$(find . -type f -name '*.go' -not -path './vendor/*' -not -path './function/vendor/*')"
	# shellcheck disable=SC2086 # one word per file
	unformatted="$(gofmt -l $files)"
	if [ -n "$unformatted" ]; then
		echo "Run \"gofmt -s -w\" on your Go code:" >&2
		echo "$unformatted" >&2
		exit 1
	fi
	if [ "$GO111MODULE" = "off" ]; then rm -f go.work go.mod; fi
	mkdir -p function/static
	# Built before it is tested, so that a compile error is the last
	# thing printed, where the status shows it, not under go test's FAIL.
	GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -ldflags "-s -w" -o handler .
	(cd function && GOOS="$TARGETOS" GOARCH="$TARGETARCH" go test ./... -cover)
	;;
*)
	echo "usage: go-build.sh deps|build" >&2
	exit 2
	;;
esac

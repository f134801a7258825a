# ---------------------------------------------------------------------------
# Local dev stack: Postgres, NATS JetStream, registry, BuildKit and the
# localfaas gateway, all under .dev/ (see scripts/dev/). `make up` is
# idempotent; `. .dev/env` loads the addresses the tests read.
# ---------------------------------------------------------------------------
DEV_SCRIPTS := scripts/dev

.PHONY: up down clean tools

up: ## install, build and start the dev stack, write .dev/env
	@$(DEV_SCRIPTS)/up.sh

down: ## stop the dev stack, keeping its data
	@$(DEV_SCRIPTS)/down.sh

clean: ## stop the dev stack and remove .dev with all its data
	@$(DEV_SCRIPTS)/clean.sh

tools: ## install system packages and build the stack's binaries into .dev/bin
	@$(DEV_SCRIPTS)/tools.sh

# ---------------------------------------------------------------------------
# The service: build, demo, tests, benchmarks.
# ---------------------------------------------------------------------------
BIN := .dev/bin
# Tests keep what they save with t.ArtifactDir (the build page's
# screenshots) under test/artifacts.
ARTIFACTS := $(CURDIR)/test/artifacts
GO_TEST_FLAGS ?= -count=1 -timeout 45m -artifacts -outputdir $(ARTIFACTS)
WITH_ENV := set -a && . .dev/env && set +a &&

.PHONY: build run test test-busy fuzz bench-push bench-failures bench-webhook bench-localfaas bench-history bench-livelog bench-templates bench-watchdog

build: ## build the service's commands into .dev/bin, the watchdogs into .dev/bin/watchdog
	@mkdir -p $(BIN)
	go build -o $(BIN)/ ./cmd/webhook ./cmd/builder ./cmd/demo
	CGO_ENABLED=0 go build -ldflags "-s -w" -o $(BIN)/watchdog/of-watchdog/fwatchdog ./cmd/fwatchdog
	CGO_ENABLED=0 go build -ldflags "-s -w" -o $(BIN)/watchdog/classic-watchdog/fwatchdog ./cmd/classic-watchdog

run: up build ## the demo: start the stack, push a sample repository, print the result
	@$(WITH_ENV) $(BIN)/demo

test: up ## every test, against the dev stack
	@mkdir -p $(ARTIFACTS)
	$(WITH_ENV) go vet ./... && go test $(GO_TEST_FLAGS) ./...

test-busy: ## make test RUNS times (3) in a row beside LOAD_CPUS busy loops (1); writes docs/busy.md
	scripts/busy-test.sh

fuzz: ## every fuzz target for FUZZTIME (default 10m) each; writes docs/fuzz.md
	scripts/fuzz.sh

bench-push: up ## only what changed, the shared cache, parallel builds: push-to-live ratios against the raw tools and each other; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/pushlive

bench-failures: up ## the failure suite (builders killed, outages of Postgres, NATS, BuildKit, the registry and the gateway): builds lost, duplicate deploys, time to recover; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/failures

bench-webhook: up ## signed push -> 202 against a bare handler; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/webhook -duration 10s

bench-localfaas: up ## deploy and update to first answer through localfaas, against a bare process; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/localfaas -runs 15

bench-history: up ## a repository's latest 50 builds among 1,000,000, against the same listing without its index; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/history -requests 5000

bench-livelog: up ## a RUN step's line to an SSE client of the live log, against BuildKit's own delivery; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/livelog -runs 3 -lines 300

bench-templates: up build ## each shipped template's cold build, rebuild after a one-line change and image size, against a rebuild with no change; rewrites docs/benchmarks.md
	$(WITH_ENV) go run ./bench/templates -runs 3

bench-watchdog: ## the watchdog's http mode against calling its function directly (and against OpenFaaS's of-watchdog with OPENFAAS_WATCHDOG=<binary>), its fork mode against a bare exec; rewrites docs/benchmarks.md
	go run ./bench/watchdog -duration 3s -rounds 3 $(if $(OPENFAAS_WATCHDOG),-openfaas $(OPENFAAS_WATCHDOG))

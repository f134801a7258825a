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

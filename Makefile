# pathbench — the pipeline, one target per stage, in this order:
STAGES := provision validate seed warmup measure aggregate render

# make all CONFIG=config/other.yaml ARGS="--iterations 200 --targets pglite"
CONFIG ?= config/embedded.yaml
ARGS   ?=
STAGE  := node --import tsx
FLAGS   = --config $(CONFIG) $(ARGS)
# npm writes node_modules/.package-lock.json on every install: a stamp newer than the lockfile.
DEPS   := node_modules/.package-lock.json

.PHONY: help all install test typecheck clean clean-reports postgres-local iris-sdk stop bench-seed bench-harness compare runs report export $(STAGES)

help: ## list the targets
	@echo "pathbench: make <target> [CONFIG=config/x.yaml] [ARGS=\"--flag value ...\"]"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Stage order: $(STAGES)"
	@echo "Flags: $(STAGE) stages/<stage>.ts --help"

all: $(DEPS) ## install, then run every stage in order (the whole benchmark)
	@set -e; for s in $(STAGES); do echo "== $$s"; $(STAGE) stages/$$s.ts $(FLAGS); done

install: $(DEPS) ## npm ci (only when package-lock.json changed)

$(DEPS): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

provision: $(DEPS) ## create data directories / start servers for the configured targets
	$(STAGE) stages/provision.ts $(FLAGS)
validate: $(DEPS) ## check every target is reachable and has pgvector; abort the run if any fails
	$(STAGE) stages/validate.ts $(FLAGS)
seed: $(DEPS) ## generate the dataset, bulk-load it, build the HNSW index, verify fingerprints
	$(STAGE) stages/seed.ts $(FLAGS)
warmup: $(DEPS) ## warm every target with its own parameter stream (not measured)
	$(STAGE) stages/warmup.ts $(FLAGS)
measure: $(DEPS) ## a new measurement run: every query on every target, interleaved, every sample stored
	$(STAGE) stages/measure.ts $(FLAGS)
aggregate: $(DEPS) ## recompute percentiles and QPS from stored samples (offline)
	$(STAGE) stages/aggregate.ts $(FLAGS)
render: $(DEPS) ## write reports/<run>/ (results.json, table.txt, charts) and reports/latest (offline)
	$(STAGE) stages/render.ts $(FLAGS)

# Run management and comparison: read only the SQLite store (every database may be stopped).
compare: $(DEPS) ## compare two runs: make compare BASE=<run> HEAD=<run> [THRESHOLD=<pct>] (offline; exit 1 on a regression)
	$(STAGE) stages/compare.ts $(FLAGS) $(if $(BASE),--base $(BASE)) $(if $(HEAD),--head $(HEAD)) $(if $(THRESHOLD),--threshold $(THRESHOLD))
runs: $(DEPS) ## list the runs in the store: id, date, kind, status, profile, targets, scale, samples (offline)
	$(STAGE) stages/runs.ts $(FLAGS)
report: $(DEPS) ## re-render a past run: make report RUN=<id> (aggregates first if needed; offline)
	$(STAGE) stages/report.ts $(FLAGS) $(if $(RUN),--run $(RUN))
export: $(DEPS) ## a run's raw samples and aggregates: make export RUN=<id> → reports/<run>/export/ (offline)
	$(STAGE) stages/export.ts $(FLAGS) $(if $(RUN),--run $(RUN))

test: $(DEPS) ## type-check and run every test (unit + integration)
	npx tsc --noEmit
	npx vitest run

typecheck: $(DEPS) ## type-check only
	npx tsc --noEmit

bench-seed: $(DEPS) ## load 100,000 × 1024 vectors into PostgreSQL via the project and via psql \copy; print both times
	$(STAGE) scripts/bench-seed.ts $(ARGS)

bench-harness: $(DEPS) ## SELECT 1 through the measure loop vs a bare pg loop on one connection; prints the overhead (ARGS="--targets postgres")
	$(STAGE) scripts/bench-harness.ts $(ARGS)

bench-groundtruth: $(DEPS) ## exact top-10 of 1,000 queries over 100,000 × 1024: WebAssembly SIMD workers vs numpy, alternating rounds (ARGS="--iterations N")
	$(STAGE) scripts/bench-groundtruth.ts $(ARGS)

.PHONY: kernel
kernel: $(DEPS) ## compile lib/workload/top-k-kernel.wat → .wasm with wabt (commit both; a test checks they match)
	$(STAGE) scripts/build-top-k-kernel.ts

.PHONY: bench-offline
bench-offline: $(DEPS) ## synthesise a complete run of 1,000,000 samples, then time aggregate + render on it (goal ≤ 10 s, ≤ 1 GiB)
	$(STAGE) scripts/bench-offline.ts $(ARGS)

postgres-local: ## install PostgreSQL 15 + pgvector from Debian packages and start it on 127.0.0.1:5433 (no Docker)
	scripts/postgres-local.sh start

iris-sdk: ## copy the IRIS Native SDK for Node.js out of the running iris container into vendor/iris-nodejs (for iris-native)
	iris/sdk.sh

stop: ## stop the local PostgreSQL server started by postgres-local
	-scripts/postgres-local.sh stop

clean-reports: ## delete rendered reports
	rm -rf reports/*/ reports/latest reports/.*.tmp-*

clean: stop ## delete the store, engine data and reports (keeps node_modules)
	-scripts/postgres-local.sh clean
	rm -rf data/bench.sqlite* data/pglite reports/*/ reports/latest

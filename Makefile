# pathbench — the pipeline, one target per stage, in this order:
STAGES := provision validate seed warmup measure aggregate render

# make all CONFIG=config/other.yaml ARGS="--iterations 200 --targets pglite"
CONFIG ?= config/embedded.yaml
ARGS   ?=
# Stages run compiled (build/, from `make build`): tsx would add 0.4–0.9 s of start-up to each.
# A 64 MiB young generation: measured with `make bench-client` (quiet machine, 1024-dim rows at
# 4,400/s), the client's longest GC pause per 3 s block fell from 24.4 ms to 2.2 ms and the open
# loop's lateness p99 from 29 ms to 3.2 ms (docs/load-models.md). A V8 start-up flag: it cannot be
# set from inside the process (measured: no effect), so it is here; run stages with it by hand too.
STAGE  := node --max-semi-space-size=64
# make all CONFIG=config/own-data.yaml DATASET=path/to/file.hdf5 (docs/own-data.md)
DATASET ?=
FLAGS   = --config $(CONFIG) $(if $(DATASET),--dataset-path $(DATASET)) $(ARGS)
# npm writes node_modules/.package-lock.json on every install: a stamp newer than the lockfile.
DEPS   := node_modules/.package-lock.json
# Rebuilt when any source under lib/, stages/ or scripts/ is newer than the last build.
BUILD  := build/.stamp
SOURCES := $(shell find lib stages scripts -type f -not -name '*.test.ts' 2>/dev/null)

.PHONY: help all build install test typecheck clean clean-reports postgres-local iris-sdk stop bench-seed bench-harness bench-peers profile-peers tail-anatomy bench-client compare merge runs report export doctor dry-run docs $(STAGES)

help: ## list the targets
	@echo "pathbench: make <target> [CONFIG=config/x.yaml] [ARGS=\"--flag value ...\"]"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Stage order: $(STAGES)"
	@echo "Flags: node build/stages/<stage>.js --help (or node --import tsx stages/<stage>.ts --help)"
	@echo "IRIS with Docker (docs/iris.md): docker compose run --rm bench make all CONFIG=config/three-way.yaml (any host),"
	@echo "  or on a Linux host: docker compose up -d --wait iris && make iris-sdk && make all CONFIG=config/three-way.yaml"

all: $(BUILD) ## install, then run every stage in order (the whole benchmark)
	@set -e; for s in $(STAGES); do echo "== $$s"; $(STAGE) build/stages/$$s.js $(FLAGS); done

install: $(DEPS) ## npm ci (only when package-lock.json changed)

$(DEPS): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: $(BUILD) ## compile lib/, stages/, scripts/ to build/ with esbuild (only when a source changed; every stage target does this first)

$(BUILD): $(DEPS) $(SOURCES)
	node scripts/build.mjs
	@touch $@

provision: $(BUILD) ## create data directories / start servers for the configured targets
	$(STAGE) build/stages/provision.js $(FLAGS)
validate: $(BUILD) ## check every target is reachable and has pgvector; abort the run if any fails
	$(STAGE) build/stages/validate.js $(FLAGS)
seed: $(BUILD) ## generate the dataset, bulk-load it, build the HNSW index, verify fingerprints
	$(STAGE) build/stages/seed.js $(FLAGS)
warmup: $(BUILD) ## warm every target with its own parameter stream (not measured)
	$(STAGE) build/stages/warmup.js $(FLAGS)
measure: $(BUILD) ## a new measurement run: every query on every target, interleaved, every sample stored
	$(STAGE) build/stages/measure.js $(FLAGS)
aggregate: $(BUILD) ## recompute percentiles and QPS from stored samples (offline)
	$(STAGE) build/stages/aggregate.js $(FLAGS)
render: $(BUILD) ## write reports/<run>/ (results.json, table.txt, charts) and reports/latest (offline)
	$(STAGE) build/stages/render.js $(FLAGS)

# Before a run: what it needs, and what it will send (neither connects to a database nor writes the store).
doctor: $(BUILD) ## check every prerequisite of CONFIG (Docker, images, ports, SDK, PathBench.SQL, passwords); one line per check with its fix; exit 0 = the run can start
	$(STAGE) build/stages/doctor.js $(FLAGS)
dry-run: $(BUILD) ## print every statement seed and measure would send for CONFIG, with bind order and sample parameters (paste into a SQL shell)
	$(STAGE) build/stages/seed.js $(FLAGS) --dry-run
	$(STAGE) build/stages/measure.js $(FLAGS) --dry-run

# Run management and comparison: read only the SQLite store (every database may be stopped).
compare: $(BUILD) ## compare two runs: make compare BASE=<run> HEAD=<run> [THRESHOLD=<pct>] (offline; exit 1 on a regression)
	$(STAGE) build/stages/compare.js $(FLAGS) $(if $(BASE),--base $(BASE)) $(if $(HEAD),--head $(HEAD)) $(if $(THRESHOLD),--threshold $(THRESHOLD))
# make merge STORES="data/shard-1.sqlite data/shard-2.sqlite" OUT=data/merged.sqlite (docs/shards.md)
STORES ?=
OUT    ?=
merge: $(BUILD) ## merge the stores of `measure --shard i/N` into one: make merge STORES="a.sqlite b.sqlite" OUT=merged.sqlite (offline; exit 2 if a shard is missing, twice, or of another run)
	$(STAGE) build/stages/merge.js $(FLAGS) --stores "$(STORES)" $(if $(OUT),--out $(OUT))
runs: $(BUILD) ## list the runs in the store: id, date, kind, status, profile, targets, scale, samples (offline)
	$(STAGE) build/stages/runs.js $(FLAGS)
report: $(BUILD) ## re-render a past run: make report RUN=<id> (aggregates first if needed; offline)
	$(STAGE) build/stages/report.js $(FLAGS) $(if $(RUN),--run $(RUN))
export: $(BUILD) ## a run's raw samples and aggregates: make export RUN=<id> → reports/<run>/export/ (offline)
	$(STAGE) build/stages/export.js $(FLAGS) $(if $(RUN),--run $(RUN))

test: $(BUILD) ## type-check and run every test (unit + integration)
	npx tsc --noEmit
	npx vitest run

docs: $(BUILD) ## regenerate docs/configuration.md and config/schema.json from the zod schemas (a test fails when they are stale)
	$(STAGE) build/scripts/docs.js

typecheck: $(DEPS) ## type-check only
	npx tsc --noEmit

bench-seed: $(BUILD) ## load 100,000 × 1024 vectors into PostgreSQL via the project and via psql \copy; print both times (ARGS=--from-file: generated vs read from an HDF5 file)
	$(STAGE) build/scripts/bench-seed.js $(ARGS)

bench-harness: $(BUILD) ## SELECT 1 through the measure loop vs a bare pg loop on one connection; prints the overhead (ARGS="--targets postgres")
	$(STAGE) build/scripts/bench-harness.js $(ARGS)

bench-peers: $(BUILD) ## simple_select_id, vector_cosine, join: pathbench vs a bare pg loop vs pgbench, same -M mode each side, on the seeded local PostgreSQL (ARGS="--rounds N")
	$(STAGE) build/scripts/bench-peers.js $(ARGS)

profile-peers: $(BUILD) ## where pathbench's measure loop and a bare pg loop spend their time: CPU profile per loop, µs per request by category (ARGS="--mode extended --query simple_select_id")
	$(STAGE) build/scripts/profile-peers.js $(ARGS)

tail-anatomy: $(BUILD) ## what the slowest 1% of each query's requests share (GC, a parameter value, a shared stall, rows) and whether the positions recur in the previous run (ARGS="--store FILE")
	$(STAGE) build/scripts/tail-anatomy.js $(ARGS)

bench-client: $(BUILD) ## is the load generator the bottleneck? open loop vs a bare pg closed loop vs pgbench on the same sessions and SQL, rounds alternating (ARGS="--sessions 8 --rounds 5")
	$(STAGE) build/scripts/bench-client.js $(ARGS)

bench-groundtruth: $(BUILD) ## exact top-10 of 1,000 queries over 100,000 × 1024: WebAssembly SIMD workers vs numpy, alternating rounds (ARGS="--iterations N")
	$(STAGE) build/scripts/bench-groundtruth.js $(ARGS)

.PHONY: demo-hdf5
demo-hdf5: $(BUILD) ## write data/demo.hdf5: 5,000 × 64 vectors in the ann-benchmarks layout with exact neighbours, for config/own-data.yaml (ARGS="--rows N --dims N --metric euclidean --raw-norms")
	$(STAGE) build/scripts/make-ann-hdf5.js --out data/demo.hdf5 $(ARGS)

.PHONY: kernel
kernel: $(BUILD) ## compile lib/workload/top-k-kernel.wat → .wasm with wabt (commit both; a test checks they match)
	$(STAGE) build/scripts/build-top-k-kernel.js

.PHONY: bench-offline
bench-offline: $(BUILD) ## synthesise a complete run of 1,000,000 samples, then time aggregate + render on it (goal ≤ 10 s, ≤ 1 GiB)
	$(STAGE) build/scripts/bench-offline.js $(ARGS)

postgres-local: ## install PostgreSQL 15 + pgvector from Debian packages and start it on 127.0.0.1:5433 (no Docker)
	scripts/postgres-local.sh start

iris-sdk: ## copy the IRIS Native SDK for Node.js out of the running iris container into vendor/iris-nodejs (for iris-native)
	iris/sdk.sh

stop: ## stop the local PostgreSQL server started by postgres-local
	-scripts/postgres-local.sh stop

clean-reports: ## delete rendered reports
	rm -rf reports/*/ reports/latest reports/.*.tmp-* reports/.latest-*

clean: stop ## delete the store, engine data and reports (keeps node_modules)
	-scripts/postgres-local.sh clean
	rm -rf data/bench.sqlite* data/pglite reports/*/ reports/latest build

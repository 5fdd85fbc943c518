# Parley — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
DATA ?= .parley
PORT ?= 8080
DATA_DIR := $(abspath $(DATA))
export PARLEY_DATABASE_URL ?= sqlite://$(DATA_DIR)/parley.db
export PARLEY_OUTBOX_DIR ?= $(DATA_DIR)/outbox
export PARLEY_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

help:
	@echo "make run    install what is missing, build, start the server with the demo organisation, open the app"
	@echo "make test   run every test (Rust on SQLite and PostgreSQL, UI, bindings, end-to-end in the real window)"

deps:
	scripts/install-deps.sh

ui/dist/index.html: deps
	npm run build:ui

build-debug: deps
	cargo build -p parley-server
	npx tauri build --debug --no-bundle

run: build-debug
	mkdir -p $(DATA_DIR)
	target/debug/parley-server demo
	@echo "Starting parley-server on port $(PORT); outbox: $(PARLEY_OUTBOX_DIR)"
	@target/debug/parley-server serve --port $(PORT) > $(DATA_DIR)/server.log 2>&1 & \
	  server=$$!; trap "kill $$server 2>/dev/null" EXIT; \
	  for i in $$(seq 1 100); do curl -sf http://127.0.0.1:$(PORT)/health >/dev/null && break; sleep 0.1; done; \
	  target/debug/parley-desktop

# Regenerates the UI's TypeScript IPC types from the Rust types (ts-rs).
bindings:
	cargo test -q -p parley-core -p parley-client export_bindings >/dev/null

test: deps
	scripts/ensure-services.sh
	npm run build:ui
	npm run check
	npm run test:ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo nextest run --workspace --no-fail-fast
	@echo "== bindings are current =="
	@git diff --exit-code -- ui/src/lib/bindings && test -z "$$(git status --porcelain -- ui/src/lib/bindings)" \
	  || { echo "ui/src/lib/bindings is stale: run 'make bindings' and commit"; exit 1; }
	@echo "== server suite on PostgreSQL =="
	PARLEY_TEST_DATABASE=postgres cargo nextest run --workspace --no-fail-fast -E 'package(parley-server)'
	@echo "== load smoke: one node on SQLite, 200 users, 100 msg/s for 20 s (full runs: docs/BENCHMARKS.md) =="
	scripts/load.sh --smoke
	@echo "== SIGKILL under load: one node killed and restarted, nothing acknowledged lost or duplicated =="
	scripts/crash.sh --smoke
	@echo "== cluster: 2 nodes on PostgreSQL + NATS behind HAProxy, one killed under load =="
	scripts/cluster.sh --smoke
	@echo "== API fuzzing: schemathesis on the OpenAPI document, as each role (full runs: docs/RELIABILITY.md) =="
	scripts/fuzz.sh --smoke
	$(MAKE) build-debug
	tests/e2e/run.sh
	@echo "== desktop benchmark smoke: 500 contacts, the app beside a bare Tauri window (full runs: docs/BENCHMARKS.md) =="
	scripts/desktop-bench.sh --smoke

.PHONY: help deps build-debug run bindings test

# ReplicaCache — build, run and test.
SWIFT ?= swift
PYTHON ?= python3
PORT ?= 11211
DEBUG_BIN := .build/debug/replicacache
RELEASE_BIN := .build/release/replicacache

.PHONY: all deps build release run run-single test lint unit integration bench clean

all: build

# libevent's headers are the one system dependency of the build.
deps:
	@dpkg -s libevent-dev >/dev/null 2>&1 || { \
		echo "installing libevent-dev"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libevent-dev; }

build: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors --build-tests

release: deps
	$(SWIFT) build -c release --product replicacache

PEER_PORT ?= 11212

# A replicating pair in the foreground: 127.0.0.1:$(PORT) and 127.0.0.1:$(PEER_PORT); Ctrl-C stops both.
run: release
	@trap 'kill $$first $$second 2>/dev/null; wait' INT TERM EXIT; \
	$(RELEASE_BIN) -l 127.0.0.1 -p $(PORT) --peer 127.0.0.1:$(PEER_PORT) --node-id n1 -v & first=$$!; \
	$(RELEASE_BIN) -l 127.0.0.1 -p $(PEER_PORT) --peer 127.0.0.1:$(PORT) --node-id n2 -v & second=$$!; \
	wait

# One node without a peer on 127.0.0.1:$(PORT).
run-single: release
	exec $(RELEASE_BIN) -l 127.0.0.1 -p $(PORT) -v

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests bench/loadgen/Package.swift bench/loadgen/Sources

unit: build
	$(SWIFT) test --skip-build

integration: build
	IT_REQUIRE_OURS=1 REPLICACACHE_BIN=$(CURDIR)/$(DEBUG_BIN) $(PYTHON) -m pytest Tests/IntegrationTests -q

test: lint unit integration

clean:
	rm -rf .build

# Side-by-side benchmark against Debian's memcached (bench/README.md); extra options via BENCH_ARGS="--seconds 5".
bench: deps
	$(SWIFT) build -c release --product replicacache
	$(SWIFT) build -c release --package-path bench/loadgen
	$(PYTHON) bench/run-bench $(BENCH_ARGS)

# ReplicaCache — build, run and test.
SWIFT ?= swift
PYTHON ?= python3
PORT ?= 11211
DEBUG_BIN := .build/debug/replicacache
RELEASE_BIN := .build/release/replicacache

.PHONY: all deps build release run test lint unit integration bench clean

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

# A node on 127.0.0.1:$(PORT) in the foreground.
run: release
	exec $(RELEASE_BIN) -l 127.0.0.1 -p $(PORT) -v

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

unit: build
	$(SWIFT) test --skip-build

integration: build
	IT_REQUIRE_OURS=1 REPLICACACHE_BIN=$(CURDIR)/$(DEBUG_BIN) $(PYTHON) -m pytest Tests/IntegrationTests -q

test: lint unit integration

clean:
	rm -rf .build

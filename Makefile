# ReplicaCache — build, run and test.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
PORT ?= 11211
DEBUG_BIN := .build/debug/replicacache
RELEASE_BIN := .build/release/replicacache

.PHONY: all deps build release run run-single test lint unit integration java-client bench bench-micro clean install fuzz \
	test-asan test-tsan sanitized-test

all: build

# libevent's and OpenSSL's headers are the system dependencies of the build.
BUILD_PACKAGES := libevent-dev libssl-dev
deps:
	@missing=$$(for p in $(BUILD_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

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

# The release binary, the systemd unit (pointing at it) and the example configuration and docs.
# DESTDIR stages a package root.
PREFIX ?= /usr/local
install: release
	install -D -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/replicacache
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/replicacache
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@DOCDIR@|$(PREFIX)/share/doc/replicacache|g' \
		packaging/replicacache.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/replicacache.service
	install -m 0644 packaging/replicacache.conf docs/operations.md docs/replication.md \
		$(DESTDIR)$(PREFIX)/share/doc/replicacache/

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests bench/loadgen/Package.swift bench/loadgen/Sources \
		bench/micro/Package.swift bench/micro/Benchmarks

unit: build
	$(SWIFT) test --skip-build

integration: build java-client
	IT_REQUIRE_OURS=1 IT_REQUIRE_JAVA=1 IT_REQUIRE_NUTCRACKER=1 REPLICACACHE_BIN=$(CURDIR)/$(DEBUG_BIN) \
		$(PYTHON) -m pytest Tests/IntegrationTests -q

# The spymemcached client checks (Tests/Java, run by test_spymemcached.py): plain javac against
# Debian's jar, which needs nothing else at run time; recompiled only when a source changes.
SPYMEMCACHED_JAR ?= /usr/share/java/spymemcached.jar
JAVA_CLIENT_CLASSES := .build-java/classes
JAVA_CLIENT_SOURCES := $(shell find Tests/Java/src -name '*.java')

java-client: $(JAVA_CLIENT_CLASSES)/.compiled

$(JAVA_CLIENT_CLASSES)/.compiled: $(JAVA_CLIENT_SOURCES) $(SPYMEMCACHED_JAR)
	rm -rf $(JAVA_CLIENT_CLASSES) && mkdir -p $(JAVA_CLIENT_CLASSES)
	javac -Xlint:all -Werror -d $(JAVA_CLIENT_CLASSES) -cp $(SPYMEMCACHED_JAR) $(JAVA_CLIENT_SOURCES)
	touch $@

$(SPYMEMCACHED_JAR):
	@echo "missing $@: apt-get install default-jdk-headless libspymemcached-java" >&2; exit 1

test: lint unit integration

# libFuzzer over the text, binary and replication decoders (Tests/Fuzz), with AddressSanitizer: each
# target runs FUZZ_SECONDS from a copy of its committed seed corpus; a crash or broken invariant
# fails the run and leaves the input in .build-fuzz/artifacts/. swiftc keeps only the last
# -sanitize flag, so both go in one; SwiftPM's --sanitize=fuzzer makes it link libFuzzer's main.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := text binary replication
fuzz: deps
	$(SWIFT) build --package-path Tests/Fuzz --scratch-path .build-fuzz --sanitize=fuzzer \
		-Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "Cannot export local symbol" ; test $${PIPESTATUS[0]} -eq 0
	mkdir -p .build-fuzz/artifacts
	for target in $(FUZZ_TARGETS); do \
		rm -rf .build-fuzz/corpus/$$target && mkdir -p .build-fuzz/corpus/$$target && \
		cp Tests/Fuzz/Corpus/$$target/* .build-fuzz/corpus/$$target/ && \
		binary=.build-fuzz/debug/Fuzz$$(echo $$target | sed 's/./\U&/') && \
		echo "fuzzing $$target for $(FUZZ_SECONDS) s" && \
		$$binary -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
			-artifact_prefix=.build-fuzz/artifacts/$$target- .build-fuzz/corpus/$$target 2>&1 \
			| grep -E "^(INFO: Seed|#[0-9]+[[:space:]]+(INITED|DONE))|ERROR|invariant|stat::number_of_executed_units" ; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

# Unit and integration tests under a sanitizer, in their own scratch folders. A report from any
# server process the integration tests started lands in the folder's reports/ and fails the run.
test-asan:
	$(MAKE) sanitized-test SANITIZER=address SANITIZER_ENV=ASAN_OPTIONS SANITIZER_SCRATCH=.build-asan \
		SANITIZER_OPTIONS=detect_leaks=0

test-tsan:
	$(MAKE) sanitized-test SANITIZER=thread SANITIZER_ENV=TSAN_OPTIONS SANITIZER_SCRATCH=.build-tsan

sanitized-test: deps
	$(SWIFT) build --sanitize=$(SANITIZER) --build-tests --scratch-path $(SANITIZER_SCRATCH)
	$(SWIFT) test --skip-build --sanitize=$(SANITIZER) --scratch-path $(SANITIZER_SCRATCH)
	rm -rf $(SANITIZER_SCRATCH)/reports && mkdir -p $(SANITIZER_SCRATCH)/reports
	$(SANITIZER_ENV)="log_path=$(CURDIR)/$(SANITIZER_SCRATCH)/reports/report $(SANITIZER_OPTIONS)" \
		IT_FIRST_BYTE_MS=2000 IT_REQUIRE_OURS=1 \
		REPLICACACHE_BIN=$(CURDIR)/$(SANITIZER_SCRATCH)/debug/replicacache \
		$(PYTHON) -m pytest Tests/IntegrationTests -q $(SANITIZER_PYTEST_ARGS)
	@if [ -n "$$(ls $(SANITIZER_SCRATCH)/reports)" ]; then \
		cat $(SANITIZER_SCRATCH)/reports/*; echo "$(SANITIZER) sanitizer reports above"; exit 1; fi

clean:
	rm -rf .build .build-java

# Side-by-side benchmark against Debian's memcached (bench/README.md); extra options via BENCH_ARGS="--seconds 5".
bench: deps
	$(SWIFT) build -c release --product replicacache
	$(SWIFT) build -c release --package-path bench/loadgen
	$(PYTHON) bench/run-bench $(BENCH_ARGS)

# Micro-benchmarks of the parser, storage and replication encoding with allocation counts (bench/micro/README.md):
# runs them (about 90 s) into the baseline "current", prints the table, then fails if an allocation count is off
# its threshold (bench/micro/Thresholds: the GET path allocates nothing). One benchmark: MICRO_ARGS="--filter X".
bench-micro:
	cd bench/micro && $(SWIFT) package --allow-writing-to-package-directory benchmark baseline update current \
		--no-progress $(MICRO_ARGS)
	$(PYTHON) bench/micro/summarize
	cd bench/micro && $(SWIFT) package benchmark thresholds check current --no-progress $(MICRO_ARGS)

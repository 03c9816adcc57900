# ndj: thin wrapper around meson. `make demo` and `make test` work as the
# first command on a fresh Debian machine: they install what is missing.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The one list of Debian packages ndj needs (build, test, bench).
BUILD_PKGS := g++ meson ninja-build pkgconf libsimdjson-dev libcli11-dev libre2-dev \
              libxxhash-dev catch2 libcurl4-openssl-dev libssl-dev zlib1g-dev \
              libhyperscan-dev libtomlplusplus-dev
TEST_PKGS  := mandoc python3 jq curl openssl git procps tzdata chromium zsh nodejs \
              clickhouse-server clickhouse-client prometheus prometheus-node-exporter \
              prometheus-pushgateway
BENCH_PKGS := miller nginx-light time
CHECK_PKGS := clang libclang-rt-14-dev
PKGS       := $(BUILD_PKGS) $(TEST_PKGS) $(BENCH_PKGS) $(CHECK_PKGS)
FUZZ_SECONDS ?= 30
# In CI (CI set), a compiler warning fails the build.
MESON_WERROR := $(if $(CI),--werror)

.PHONY: all build deps test test-sanitize test-tsan fuzz torture bench demo install uninstall clean

all: build

deps:
	@echo "== checking the Debian packages ndj needs"
	@missing=$$(for p in $(PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@$(MAKE) --no-print-directory tests/otlp/node_modules/.package-lock.json

# The npm packages of the OTLP tests (the official OpenTelemetry protos),
# from the committed lock file, again only when it changes. Debian's nodejs
# comes without npm (NodeSource's has it built in).
tests/otlp/node_modules/.package-lock.json: tests/otlp/package-lock.json
	@echo "== installing the npm packages of the OTLP tests (tests/otlp)"
	@command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm
	npm ci --prefix tests/otlp --no-audit --no-fund

$(BUILD)/build.ninja:
	@echo "== configuring the build in $(BUILD)/ (meson)"
	meson setup $(BUILD) --prefix=$(PREFIX) $(MESON_WERROR)

build: deps $(BUILD)/build.ninja
	@echo "== compiling the tools into $(BUILD)/ (ninja; the first build takes a few minutes)"
	ninja -C $(BUILD)

test: build
	tests/run-all $(BUILD)

# The whole suite built with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer, at -O1 with assertions on (tests/run-sanitized
# fails on any report).
test-sanitize: deps
	[ -f $(BUILD)-sanitize/build.ninja ] || meson setup $(BUILD)-sanitize $(MESON_WERROR) \
	  -Doptimization=1 -Ddebug=true -Db_ndebug=false \
	  -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(BUILD)-sanitize
	tests/run-sanitized $(BUILD)-sanitize

# ThreadSanitizer: ndj-redact and ndj-dora work on --threads, ndj-post's
# libcurl resolves host names in a thread of its own; their tests (and the
# tools their scripts pipe from) are built and run with TSan.
TSAN_TOOLS := ndj-post ndj-tail ndj-batch ndj-redact ndj-dora ndj-git ndj-emit ndj-select ndj-stats
test-tsan: deps
	[ -f $(BUILD)-tsan/build.ninja ] || meson setup $(BUILD)-tsan $(MESON_WERROR) \
	  -Doptimization=1 -Ddebug=true -Db_ndebug=false \
	  -Db_sanitize=thread -Db_lundef=false
	ninja -C $(BUILD)-tsan $(TSAN_TOOLS)
	tests/run-sanitized --thread $(BUILD)-tsan

# libFuzzer targets (clang), FUZZ_SECONDS each.
fuzz: deps
	[ -f $(BUILD)-fuzz/build.ninja ] || CXX=clang++ meson setup $(BUILD)-fuzz $(MESON_WERROR) \
	  -Dbuildtype=debugoptimized -Dfuzz=true -Db_lundef=false
	ninja -C $(BUILD)-fuzz fuzzers
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(BUILD)-fuzz

# The whole pipeline under appenders, logrotate-style rotation, receiver
# faults and outages, prune and SIGKILLs: TORTURE_SEEDS runs (seeds
# TORTURE_SEED, TORTURE_SEED+1, ...) of TORTURE_SECONDS each; make test runs
# one 15 s version.
TORTURE_SECONDS ?= 30
TORTURE_SEEDS   ?= 10
TORTURE_SEED    ?= 1
torture: build
	PATH="$(CURDIR)/$(BUILD):$$PATH" python3 tests/torture.py --seconds $(TORTURE_SECONDS) \
	  --seed $(TORTURE_SEED) --seeds $(TORTURE_SEEDS)

bench: build
	bench/run-all $(BUILD)

demo: build
	examples/demo.sh $(BUILD)

# PREFIX and DESTDIR as given now: the build folder may have been set up
# (make demo, make test) with another prefix. meson configure only records
# the prefix; meson install's rebuild regenerates the install plan with it
# (nothing is recompiled).
install: build
	meson configure $(BUILD) --prefix=$(PREFIX)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD)

# Removes what the last `make install` put in place (meson's install log).
uninstall:
	ninja -C $(BUILD) uninstall

clean:
	rm -rf $(BUILD)

# ndj: thin wrapper around meson. `make demo` and `make test` work as the
# first command on a fresh Debian machine: they install what is missing.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The one list of Debian packages ndj needs (build, test, bench).
BUILD_PKGS := g++ meson ninja-build pkgconf libsimdjson-dev libcli11-dev libre2-dev \
              libxxhash-dev catch2 libcurl4-openssl-dev libssl-dev zlib1g-dev \
              libvectorscan-dev
TEST_PKGS  := mandoc python3 jq curl
BENCH_PKGS := miller nginx-light time
PKGS       := $(BUILD_PKGS) $(TEST_PKGS) $(BENCH_PKGS)

.PHONY: all build deps test bench demo install uninstall clean

all: build

deps:
	@missing=$$(for p in $(PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

test: build
	tests/run-all $(BUILD)

bench: build
	bench/run-all $(BUILD)

demo: build
	examples/demo.sh $(BUILD)

install: build
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

uninstall:
	@for f in $$(cat $(BUILD)/meson-logs/install-log.txt 2>/dev/null | grep -v '^#'); do \
	  rm -fv "$(DESTDIR)$$f"; done

clean:
	rm -rf $(BUILD)

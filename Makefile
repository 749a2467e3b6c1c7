# authd: `make run` serves on 127.0.0.1:8000; `make test` runs every test.
# Both install missing Debian packages first (scripts/install-deps.sh, apt-get).

BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps test-deps bench-deps configure build run test test-asan fuzz-build fuzz soak bench install clean

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

bench-deps:
	@scripts/install-deps.sh bench

configure:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release > /dev/null

build: deps configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Serves with ./authd.db (migrated at start) until Ctrl-C.
run: build
	./$(BUILD_DIR)/authd serve

# Every unit, black-box and interop test, then each fuzz target briefly.
test: test-deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

# The whole suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer in its own
# directory; any report fails the test that triggered it. Warnings are not errors here: under
# the sanitizers GCC 12 reports false ones (coroutine frames, std::function), and the normal
# build already holds the code to -Werror.
ASAN_DIR ?= build-asan
# The black-box suites' PostgreSQL repeat is left out here: it drives the same HTTP code the
# SQLite run already sanitizes, while the PostgreSQL code itself runs sanitized through the
# store, session and throttle suites (on both backends) and fuzz_http_postgresql. It saved
# 258 of 555 s of sanitized tests, keeping .ci/run inside its 45 minutes. So are the browser
# journeys (tests/browser/): the pages only call the HTTP API, whose every endpoint they use,
# the browser session's included, the black-box suites drive sanitized; what they add is
# Chromium's time.
# Built at -O1 with line tables only (-g1), as the ASan documentation advises: reports keep
# their file:line stacks, and the build takes about half the time of -O2 -g (measured on
# this 2-core machine: api/token_api.cc 39.5 -> 22.3 s, http/server.cc 165 -> 72 s).
ASAN_FLAGS ?= -O1 -g1 -DNDEBUG
test-asan: test-deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$(ASAN_FLAGS)" -DAUTHD_SANITIZE=ON -DAUTHD_WERROR=OFF > /dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) -E '^(blackbox-postgresql|browser)\.'

# libFuzzer targets (fuzz/), built with clang-14 and ASan+UBSan in their own directory, each
# run for FUZZ_SECONDS from its corpus in fuzz/corpus/; any crash fails (scripts/fuzz.sh).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 10
fuzz-build: test-deps
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUTHD_FUZZ=ON -DAUTHD_BUILD_TESTS=OFF -DAUTHD_WERROR=OFF > /dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_token fuzz_body fuzz_user_input fuzz_http fuzz_mail fuzz_webauthn fuzz_oidc

fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

# Mixed traffic for MINUTES against a fresh authd, sampling its memory and descriptors; fails
# on growth past 5% after warm-up or any unexpected answer (tests/soak/soak.py).
MINUTES ?= 10
soak: test-deps build
	/usr/bin/python3 tests/soak/soak.py --minutes $(MINUTES)

# nginx (the HTTP limit), authd and the original system under wrk; writes bench/results/latest.md.
bench: bench-deps build
	/usr/bin/python3 bench/run.py

# The binary to $(PREFIX)/bin, the systemd unit to $(PREFIX)/lib/systemd/system (its paths
# filled in for PREFIX), the documentation to $(PREFIX)/share/doc/authd.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)

# Thin driver over CMake + Ninja (in the manner of DuckDB's Makefile).
# `make demo` and `make test` do all set-up on a fresh Debian 12 machine.

BUILD_DIR ?= build/release
GENERATOR ?= Ninja
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
ORGRAPH = $(BUILD_DIR)/orgraph
DEMO_OUT ?= build/demo-report

.PHONY: all setup configure release debug demo test bench fuzz sanitize tsan ci-sanitizers serial clean format

all: release

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

release: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

debug:
	@$(MAKE) --no-print-directory release BUILD_DIR=build/debug CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug"

demo: release
	@bash scripts/demo.sh $(ORGRAPH) $(DEMO_OUT)

test: release
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: release
	@bash scripts/bench.sh $(BUILD_DIR)

fuzz: setup
	@bash scripts/fuzz.sh

# Sanitizer runs (CI runs both after `make test`, see .ci/run). Built at -O1 with line tables
# only (-g1) and without benchmarks or fuzz targets, to keep CI inside its budget; the library
# and every test binary are instrumented, and so is the orgraph binary the tests run.
# - sanitize: AddressSanitizer + UndefinedBehaviorSanitizer (+ libstdc++ assertions), the whole
#   suite except SAN_SKIP.
# - tsan: ThreadSanitizer over the whole suite except SAN_SKIP (the gtest binaries run every
#   parallel kernel at 1, 2 and 8 threads). TSan builds use the std::thread backend of
#   engine/parallel.hpp (ORGRAPH_STD_THREADS) instead of oneTBB, whose Debian build is not
#   instrumented; no suppressions file is needed.
# SAN_SKIP: cli.export_tools and cli.report_html only drive node (cytoscape.js, graphology, ajv)
# and headless Chromium over the exports; they take minutes and exercise no orgraph code that
# the other tests do not, so they run in `make test` only. cli.oracles checks answers against the
# Python oracles with ~1,400 short commands over the coverage, clusters and gaps code the gtest
# suites run under the sanitizers too; instrumented it took 401 s (ASan) and 267 s (TSan) of a
# 46.5-minute CI run, so it runs in `make test` only as well (50 s there).
# Locally: `make sanitize`, `make tsan`, or one test: `make tsan SAN_TESTS=Components`.
SAN_BUILD_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DORGRAPH_BUILD_BENCH=OFF -DORGRAPH_FUZZ=OFF
SAN_SKIP ?= ^cli[.](export_tools|report_html|oracles)$$
SAN_TESTS ?= .
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:history_size=4

sanitize: setup
	@cmake -S . -B build/asan -G $(GENERATOR) $(SAN_BUILD_FLAGS) -DORGRAPH_SANITIZE=ON \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -D_GLIBCXX_ASSERTIONS" $(CMAKE_FLAGS)
	@cmake --build build/asan -j $(JOBS)
	@cd build/asan && $(SAN_ENV) ctest --output-on-failure -j $(JOBS) -R '$(SAN_TESTS)' -E '$(SAN_SKIP)'

tsan: setup
	@cmake -S . -B build/tsan -G $(GENERATOR) $(SAN_BUILD_FLAGS) -DORGRAPH_TSAN=ON \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" $(CMAKE_FLAGS)
	@cmake --build build/tsan -j $(JOBS)
	@cd build/tsan && $(SAN_ENV) ctest --output-on-failure -j $(JOBS) -R '$(SAN_TESTS)' -E '$(SAN_SKIP)'

ci-sanitizers: sanitize tsan

serial:
	@$(MAKE) --no-print-directory test BUILD_DIR=build/serial CMAKE_FLAGS="-DORGRAPH_SERIAL=ON -DORGRAPH_BUILD_BENCH=OFF"

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build

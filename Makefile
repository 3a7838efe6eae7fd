# Thin driver over CMake + Ninja (in the manner of DuckDB's Makefile).
# `make demo` and `make test` do all set-up on a fresh Debian 12 machine.

BUILD_DIR ?= build/release
GENERATOR ?= Ninja
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
ORGRAPH = $(BUILD_DIR)/orgraph
DEMO_OUT ?= build/demo-report

.PHONY: all setup configure release debug demo test bench fuzz sanitize tsan serial clean format

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

sanitize:
	@$(MAKE) --no-print-directory test BUILD_DIR=build/asan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DORGRAPH_SANITIZE=ON -DORGRAPH_BUILD_BENCH=OFF"

tsan:
	@$(MAKE) --no-print-directory test BUILD_DIR=build/tsan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DORGRAPH_TSAN=ON -DORGRAPH_BUILD_BENCH=OFF"

serial:
	@$(MAKE) --no-print-directory test BUILD_DIR=build/serial CMAKE_FLAGS="-DORGRAPH_SERIAL=ON -DORGRAPH_BUILD_BENCH=OFF"

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build

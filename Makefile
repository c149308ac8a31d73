# Vivace developer entry points. `make run` and `make test` work on a fresh Debian 12 machine.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja
FUZZ_SECONDS ?= 30

.PHONY: all deps configure build run test test-asan asan bench bench-e2e fuzz fuzz-smoke format tidy clean

all: build

deps:
	@./scripts/install-deps

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Monolithic Vivace with local storage under ./data on Tempo's ports.
run: build
	@mkdir -p data
	$(BUILD)/src/app/vivace -config.file=config/local.yaml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-asan asan: deps
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DVV_SANITIZE=ON -DVV_BUILD_BENCH=OFF
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	./bench/run-bench $(BUILD)

bench-e2e: build
	./bench/run-bench $(BUILD)

fuzz: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(BUILD_FUZZ) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DVV_FUZZ=ON -DVV_BUILD_TESTS=OFF -DVV_BUILD_BENCH=OFF
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers

fuzz-smoke: fuzz
	./fuzz/run-smoke $(BUILD_FUZZ) $(FUZZ_SECONDS)

format:
	find src tools bench fuzz tests -name '*.h' -o -name '*.cc' | xargs clang-format-14 -i

tidy: build
	run-clang-tidy-14 -p $(BUILD) -quiet 'src/.*\.cc$$'

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)

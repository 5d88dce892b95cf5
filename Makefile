# Front end to CMake. `make` builds build/tix; see README for the rest.
BUILD     ?= build
SANBUILD  ?= build-san
FUZZBUILD ?= build-fuzz
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60

.PHONY: all build demo test test-san fuzz bench bench-extract bench-ingest bench-vet bench-match bench-classify bench-export bench-taxii bootstrap clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/Makefile:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: $(BUILD)/Makefile
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

demo: bootstrap build
	@scripts/demo $(BUILD)/tix

test: bootstrap build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(SANBUILD)/Makefile:
	@CC=clang cmake -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DTIX_SANITIZE=ON >/dev/null

test-san: bootstrap $(SANBUILD)/Makefile
	@cmake --build $(SANBUILD) -j $(JOBS) -- --no-print-directory
	@cd $(SANBUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

$(FUZZBUILD)/Makefile:
	@CC=clang cmake -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=Debug -DTIX_FUZZ=ON -DTIX_SANITIZE=ON >/dev/null

# Each target runs FUZZ_SECONDS from its seeds; the summary lines are printed
# and the full log kept in $(FUZZBUILD)/<target>.log.
FUZZ_TARGETS = extract feeds warninglist constituencies match config pull export_filter taxii

fuzz: bootstrap $(FUZZBUILD)/Makefile
	@cmake --build $(FUZZBUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS)) -- --no-print-directory
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZBUILD)/corpus-$$t; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s (log: $(FUZZBUILD)/fuzz_$$t.log)"; \
	  if $(FUZZBUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZBUILD)/ \
	    $(FUZZBUILD)/corpus-$$t tests/fuzz/seeds/$$t > $(FUZZBUILD)/fuzz_$$t.log 2>&1; then \
	    grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' \
	      $(FUZZBUILD)/fuzz_$$t.log; \
	  else tail -n 60 $(FUZZBUILD)/fuzz_$$t.log; exit 1; fi; \
	done

bench: bench-extract bench-ingest bench-vet bench-match bench-classify bench-export bench-taxii

bench-extract: bootstrap build
	@bench/run $(BUILD)/tix

bench-ingest: bootstrap build
	@bench/ingest $(BUILD)/tix

clean:
	rm -rf $(BUILD) $(SANBUILD) $(FUZZBUILD)

bench-vet: bootstrap build
	@bench/vet $(BUILD)

bench-match: bootstrap build
	@bench/match $(BUILD)/tix

bench-export: bootstrap build
	@bench/export $(BUILD)/tix

bench-classify: bootstrap build
	@bench/classify $(BUILD)

bench-taxii: bootstrap build
	@bench/taxii $(BUILD)

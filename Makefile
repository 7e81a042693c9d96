# Makefile - builds bin/harness, runs tests, benchmarks and experiments.
#
#   make                      build bin/harness (installs missing Debian packages first)
#   make test                 unit + integration tests (prints "N passed, N failed")
#   make test SAN=1           the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make experiment NAME=x    run experiments/x.cfg end to end (JOBS=N, default: all cores)
#   make experiment NAME=x BACKEND=slurm [PARTITION=p] [TIME=t]   submit it as a Slurm job array
#   make figures NAME=x       redraw the figures of an experiment
#   make compare NAME=x [A=a B=b] [ARGS=...]   does B beat A? (default: every pair)
#   make bench                throughput benchmarks
#   make check-learning       the DQN learning bar on experiments/dqn_classic.cfg (long)
#   make soak                 crash-safety soak: 60 SIGKILLs of harness run (SOAK_KILLS=N)
#   make fuzz                 libFuzzer on the spec parser and the HDF5 reader (FUZZ_SECONDS=60 each)
#   make deps                 install missing Debian packages (as root, via apt-get)

CC ?= cc
SAN ?=
JOBS ?= $(shell nproc)
NAME ?=

DEB_PACKAGES := build-essential pkg-config libsqlite3-dev sqlite3 libhdf5-dev hdf5-tools \
	libopenblas-dev gnuplot-nox libconfig-dev libcmocka-dev libgsl-dev libssl-dev \
	python3 python3-h5py python3-numpy git libjansson-dev clang libclang-rt-14-dev valgrind \
	slurmctld slurmd slurm-client munge libpython3-dev python3-venv

ifeq ($(SAN),1)
BUILD := build-san
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build
OPT := -O2 -g
endif

CFLAGS_ALL := -std=c11 $(OPT) -Wall -Wextra -Wno-missing-field-initializers -ffp-contract=off -fno-fast-math -D_GNU_SOURCE \
	-I/usr/include/hdf5/serial -I/usr/include/x86_64-linux-gnu/openblas-pthread -I$(BUILD) $(CFLAGS)
# Embedded CPython for Gymnasium environments (envs/pyenv.c), when Debian's
# libpython3-dev is there: probed when a recipe runs (after `deps`), so a
# build made before it was installed is redone once it is.
PY_CFLAGS = $(shell pkg-config --cflags python3-embed 2>/dev/null)
PY_LIBS = $(shell pkg-config --libs python3-embed 2>/dev/null)
LDLIBS_ALL = -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lsqlite3 -lconfig -lgsl -lopenblas \
	-ljansson -lcrypto -lm $(PY_LIBS) $(LDLIBS)
SANFLAGS := -fsanitize=address,undefined
LDFLAGS_ALL := $(if $(filter 1,$(SAN)),$(SANFLAGS)) $(LDFLAGS)

LIB_SRCS := $(filter-out harness/main.c,$(sort $(wildcard harness/*.c algorithms/*.c envs/*.c)))
HDRS := $(sort $(wildcard harness/*.h algorithms/*.h envs/*.h))
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
BIN := $(if $(filter 1,$(SAN)),$(BUILD)/bin/harness,bin/harness)

.PHONY: all deps test bench experiment figures regress baseline clean check-learning FORCE
all: $(BIN)

# Installs whatever Debian package is missing (apt-get update first), saying what.
$(BUILD)/.deps: Makefile
	@mkdir -p $(BUILD)
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing missing Debian packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: run as root (or: sudo apt-get install$$missing)"; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  echo "deps: installed$$missing"; \
	else echo "deps: all $(words $(DEB_PACKAGES)) Debian packages present"; fi
	@touch $@
deps: $(BUILD)/.deps

# Build provenance compiled into the binary: git commit, dirty flag, a hash of
# every source file (the "code version" used to decide what to re-run), flags.
$(BUILD)/version.h: FORCE | $(BUILD)/.deps
	@mkdir -p $(BUILD)
	@commit=$$(git rev-parse HEAD 2>/dev/null || echo unknown); \
	dirty=$$(test -z "$$(git status --porcelain --untracked-files=no -- harness algorithms envs Makefile 2>/dev/null)" && echo 0 || echo 1); \
	src=$$(cat $(LIB_SRCS) harness/main.c $(HDRS) Makefile | sha256sum | cut -c1-64); \
	ccv=$$($(CC) --version | head -n1); \
	printf '#define GIT_COMMIT "%s"\n#define GIT_DIRTY %s\n#define SOURCE_HASH "%s"\n#define BUILD_CC "%s"\n#define BUILD_CFLAGS "%s"\n' \
	  "$$commit" "$$dirty" "$$src" "$$ccv" "$(strip $(OPT)) -Wall -Wextra -Wno-missing-field-initializers -ffp-contract=off -fno-fast-math" > $@.new; \
	if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(BUILD)/%.o: %.c $(HDRS) | $(BUILD)/.deps $(BUILD)/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_CFLAGS) -c $< -o $@

# Whether this build embeds Python, and where the project's venv and the
# Python half of the bridge are (absolute: the harness runs from anywhere).
$(BUILD)/pyconf.h: FORCE | $(BUILD)/.deps
	@mkdir -p $(BUILD)
	@{ if pkg-config --exists python3-embed 2>/dev/null; then echo '#define HAVE_PYTHON 1'; fi; \
	  printf '#define HARNESS_VENV "%s/.venv"\n#define HARNESS_PYDIR "%s/envs/python"\n' "$(CURDIR)" "$(CURDIR)"; \
	} > $@.new; if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
$(BUILD)/envs/pyenv.o: $(BUILD)/pyconf.h
$(BUILD)/envs/pyenv.o: EXTRA_CFLAGS = $(PY_CFLAGS)

# The project-local Python virtual environment for Gymnasium environments:
# made from Debian's python3 only when a target needs it (make venv, make test).
VENV := .venv
$(VENV)/.installed: envs/python/requirements.txt | $(BUILD)/.deps
	@echo "venv: creating $(VENV)/ with pip packages from envs/python/requirements.txt:" \
	  $$(grep -v '^#' envs/python/requirements.txt | tr '\n' ' ')
	@/usr/bin/python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r envs/python/requirements.txt
	@touch $@
.PHONY: venv
venv: $(VENV)/.installed

$(BUILD)/harness/main.o $(BUILD)/harness/provenance.o: $(BUILD)/version.h
$(BUILD)/algorithms/optim.o: CFLAGS_ALL += -fno-math-errno

$(BUILD)/libharness.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/harness/main.o $(BUILD)/libharness.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $^ -o $@ $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(BUILD)/libharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< $(BUILD)/libharness.a -o $@ $(LDLIBS_ALL) -lcmocka

test: $(BIN) $(TEST_BINS) $(VENV)/.installed
	@BUILD=$(BUILD) HARNESS=$(abspath $(BIN)) SAN=$(SAN) bash tests/run.sh

# NAME must be a plain experiment name: letters, digits, _ . - (no path characters).
check-name = @case "$(NAME)" in ""|.*|*[!A-Za-z0-9_.-]*) \
	echo "make: NAME='$(NAME)' is not an experiment name (letters, digits, _ . -); see experiments/" >&2; exit 2;; esac; \
	test -f experiments/$(NAME).cfg || { echo "make: no experiment 'experiments/$(NAME).cfg'" >&2; exit 2; }

experiment: $(BIN)
	$(check-name)
	$(BIN) run experiments/$(NAME).cfg $(if $(filter slurm,$(BACKEND)),--backend slurm $(if $(PARTITION),--partition $(PARTITION)) $(if $(TIME),--time $(TIME)),-j $(JOBS)) $(if $(FORCE),--force)

# Compares NAME's results at BASE with the working tree (or with its committed baseline).
regress: $(BIN)
	$(check-name)
	@test -n "$(BASE)$(BASELINE)" || { echo "usage: make regress NAME=x BASE=rev [STRICT=1] | make regress NAME=x BASELINE=1" >&2; exit 2; }
	$(BIN) regress $(NAME) $(if $(BASELINE),--baseline,--base $(BASE)) $(if $(STRICT),--strict) -j $(JOBS)

baseline: $(BIN)
	$(check-name)
	$(BIN) baseline $(NAME) -j $(JOBS)

figures: $(BIN)
	$(check-name)
	$(BIN) plot $(NAME)

# Compares NAME's configurations: A and B, or every pair; ARGS adds options (ARGS="--factor double").
.PHONY: compare
compare: $(BIN)
	$(check-name)
	$(BIN) compare $(NAME) $(if $(A),'$(A)' '$(B)',$(if $(ARGS),,--all-pairs)) $(ARGS)

# The DQN learning bar: runs experiments/dqn_classic.cfg (resuming what is
# done; about an hour on 2 cores from nothing) and judges its evaluations.
check-learning: $(BIN)
	$(BIN) run experiments/dqn_classic.cfg -j $(JOBS)
	@HARNESS=$(abspath $(BIN)) bash tests/learning_bar.sh dqn_classic results

bench: $(BIN)
	$(BIN) bench

# The long form of tests/it_soak.sh (make test runs it with 10 kills).
.PHONY: soak
soak: $(BIN)
	HARNESS=$(abspath $(BIN)) TEST_DATA=$(CURDIR)/tests/data SOAK_KILLS=$(or $(SOAK_KILLS),60) \
	  SOAK_WORKER_KILLS=$(or $(SOAK_WORKER_KILLS),10) bash tests/it_soak.sh

# Fuzzing: tests/fuzz/<target>.c are libFuzzer targets with a seed corpus in
# tests/fuzz/<target>/. `make fuzz` builds them with clang (fuzzer, ASan,
# UBSan) into build-fuzz/ and runs each for FUZZ_SECONDS; findings go to
# build-fuzz/<target>-crash-*. `make test` replays the corpus through
# tests/fuzz/replay_main.c built with $(CC) (sanitized under SAN=1).
FUZZ_TARGETS := fuzz_spec fuzz_h5
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c11 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Wall -Wextra -Wno-missing-field-initializers -ffp-contract=off -fno-fast-math -D_GNU_SOURCE \
	-I/usr/include/hdf5/serial -I/usr/include/x86_64-linux-gnu/openblas-pthread -I$(BUILD)
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))
.PHONY: fuzz
test: $(FUZZ_REPLAY)
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(BUILD)/libharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< tests/fuzz/replay_main.c $(BUILD)/libharness.a -o $@ $(LDLIBS_ALL)
build-fuzz/%.o: %.c $(HDRS) | $(BUILD)/.deps $(BUILD)/version.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build-fuzz/libharness.a: $(patsubst %.c,build-fuzz/%.o,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libharness.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< build-fuzz/libharness.a -o $@ $(LDLIBS_ALL)
fuzz: $(patsubst %,build-fuzz/%,$(FUZZ_TARGETS))
	@rc=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t; rm -f build-fuzz/$$t-crash-* build-fuzz/$$t-leak-*; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS)s (log: build-fuzz/$$t.log)"; \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp build-fuzz/$$t -fork=1 -ignore_crashes=1 \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=60 -rss_limit_mb=4096 -malloc_limit_mb=4096 \
	    -artifact_prefix=build-fuzz/$$t- build-fuzz/corpus/$$t tests/fuzz/$$t > build-fuzz/$$t.log 2>&1; \
	  grep -E "^#[0-9]+: cov" build-fuzz/$$t.log | tail -n 1 | sed "s/^/fuzz: $$t: executions /"; \
	  n=$$(ls build-fuzz/$$t-crash-* build-fuzz/$$t-leak-* 2>/dev/null | wc -l); \
	  echo "fuzz: $$t: $$n crashing inputs in build-fuzz/ (replay: build-fuzz/$$t FILE)"; \
	  grep -E "^SUMMARY: " build-fuzz/$$t.log | sort | uniq -c; \
	  [ "$$n" -eq 0 ] || rc=1; \
	done; exit $$rc

clean:
	rm -rf build build-san build-fuzz bin

FORCE:

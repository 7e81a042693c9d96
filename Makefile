# Makefile - builds bin/harness, runs tests, benchmarks and experiments.
#
#   make                      build bin/harness (build dependencies only, probed with pkg-config;
#                             as root on Debian, missing ones are installed first)
#   make test                 unit + integration tests (prints "tests: N passed, M failed, K skipped");
#                             installs the test-only packages first when root (JOBS=N: N scripts at once)
#   make test SAN=1           the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make experiment NAME=x    run experiments/x.cfg end to end (JOBS=N, default: all cores)
#   make experiment NAME=x BACKEND=slurm [PARTITION=p] [TIME=t]   submit it as a Slurm job array
#   make figures NAME=x       redraw the figures of an experiment
#   make compare NAME=x [A=a B=b] [ARGS=...]   does B beat A? (default: every pair)
#   make bench                throughput benchmarks
#   make check-learning       the DQN family's learning bars: experiments/dqn_classic.cfg,
#                             c51_classic.cfg, rainbow_classic.cfg (long)
#   make check-minatar        the reduced MinAtar DQN bar on experiments/minatar_check.cfg (long)
#   make soak                 crash-safety soak: 60 SIGKILLs of harness run (SOAK_KILLS=N)
#   make fuzz                 libFuzzer on the spec parser and the HDF5 reader (FUZZ_SECONDS=60 each)
#   make deps                 check (and as root install) the build dependencies; make test-deps: the test ones

CC ?= cc
SAN ?=
JOBS ?= $(shell nproc)
NAME ?=

# Build dependencies: the pkg-config modules the code compiles and links against,
# and the Debian packages that provide them (with a compiler, make and git).
PKG_MODULES := libxsmm hdf5 sqlite3 libconfig gsl openblas jansson libcrypto
BUILD_DEBS := build-essential pkg-config git libhdf5-dev libsqlite3-dev libconfig-dev libgsl-dev \
	libopenblas-dev libjansson-dev libssl-dev libxsmm-dev
# Needed to draw figures (harness plot, the end of harness run): make experiment/figures check it.
RUN_DEBS := gnuplot-nox
# Needed only by make test (cmocka to build the unit tests; the rest by some integration scripts,
# which say so or skip when a tool is missing and they cannot install it).
TEST_DEBS := libcmocka-dev sqlite3 hdf5-tools gnuplot-nox python3 python3-h5py python3-numpy python3-pandas \
	clang libclang-rt-14-dev valgrind slurmctld slurmd slurm-client munge util-linux python3-venv
# Optional: Gymnasium environments (embedded CPython, envs/pyenv.c, and the project's venv).
# make deps installs them as root; without them the harness builds without Gymnasium.
OPT_DEBS := libpython3-dev python3-venv

ifeq ($(SAN),1)
BUILD := build-san
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build
OPT := -O2 -g
endif

# Include and library flags from pkg-config, asked once, when first used (after the deps
# check ran). gsl's own CBLAS (-lgslcblas) is left out: OpenBLAS provides CBLAS for both.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKG_MODULES) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(filter-out -lgslcblas,$$(shell pkg-config --libs libxsmm openblas $(PKG_MODULES) 2>/dev/null)))$(PKG_LIBS)
CFLAGS_ALL = -std=c11 $(OPT) -Wall -Wextra -Wno-missing-field-initializers -ffp-contract=off -fno-fast-math -D_GNU_SOURCE \
	$(PKG_CFLAGS) -I$(BUILD) $(addprefix -I,$(SRC_DIRS)) $(CFLAGS)
# Embedded CPython for Gymnasium environments (envs/pyenv.c), when Debian's
# libpython3-dev is there: probed when a recipe runs (after `deps`), so a
# build made before it was installed is redone once it is.
PY_CFLAGS = $(shell pkg-config --cflags python3-embed 2>/dev/null)
PY_LIBS = $(shell pkg-config --libs python3-embed 2>/dev/null)
LDLIBS_ALL = $(PKG_LIBS) -lm $(PY_LIBS) $(LDLIBS)
SANFLAGS := -fsanitize=address,undefined
LDFLAGS_ALL := $(if $(filter 1,$(SAN)),$(SANFLAGS)) $(LDFLAGS)

# The source folders, one a layer (README: Layout of the source); every one is on the include path.
SRC_DIRS := core harness/cmd harness/spec harness/exec harness/store harness/analysis harness/report harness/bench \
	algorithms envs
LIB_SRCS := $(filter-out harness/cmd/main.c,$(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))))
HDRS := $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h)))
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
BIN := $(if $(filter 1,$(SAN)),$(BUILD)/bin/harness,bin/harness)

.PHONY: all deps test-deps run-deps test bench experiment figures regress baseline clean check-learning lint FORCE
all: $(BIN)

# $(call debs,WHAT,PACKAGES,REQUIRED): the Debian packages of PACKAGES not installed are
# installed when root (apt-get update first), saying what; otherwise named, and an
# error when REQUIRED is 1 (else a warning). Without dpkg (not Debian): named only.
debs = missing=""; for p in $(2); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: $(1): all $(words $(2)) Debian packages present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "deps: $(1): installing missing Debian packages:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  echo "deps: $(1): installed$$missing"; \
	elif [ "$(3)" = 1 ]; then \
	  echo "deps: $(1): missing:$$missing (as root: make deps; or: sudo apt-get install$$missing)" >&2; exit 1; \
	else echo "deps: $(1): warning: missing:$$missing (as root: make test-deps); tests that need them skip or fail" >&2; fi

# Build dependencies: when pkg-config finds every module and the compiler runs, nothing is
# installed and no root is needed; otherwise the Debian packages providing them.
$(BUILD)/.deps: Makefile
	@mkdir -p $(BUILD)
	@if command -v pkg-config >/dev/null && pkg-config --exists $(PKG_MODULES) && command -v $(CC) >/dev/null; then \
	  echo "deps: build: pkg-config finds $(PKG_MODULES)"; \
	else $(call debs,build,$(BUILD_DEBS),1); \
	  pkg-config --exists $(PKG_MODULES) || { echo "deps: build: pkg-config cannot find:" \
	    $$(for m in $(PKG_MODULES); do pkg-config --exists $$m 2>/dev/null || printf '%s ' $$m; done) >&2; exit 1; }; \
	fi
	@if [ "$$(id -u)" = 0 ]; then $(call debs,optional,$(OPT_DEBS),0); fi
	@touch $@
deps: $(BUILD)/.deps

# Test-only packages: installed by make test when root; otherwise named (cmocka is required).
$(BUILD)/.test-deps: Makefile | $(BUILD)/.deps
	@$(call debs,test,$(TEST_DEBS),0)
	@pkg-config --exists cmocka || { echo "deps: test: cmocka not found by pkg-config (libcmocka-dev): unit tests cannot be built" >&2; exit 1; }
	@missing=""; for p in $(TEST_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing=1; done; \
	[ -n "$$missing" ] || touch $@
test-deps: $(BUILD)/.test-deps

run-deps: | $(BUILD)/.deps
	@command -v gnuplot >/dev/null || { $(call debs,figures,$(RUN_DEBS),0); }

# The code version (README: "What re-runs: code versions"). $(BUILD)/.flags holds
# the compiler and every flag; it is rewritten only when they change, and every
# object depends on it, so `make CFLAGS=...` rebuilds everything. Each object's
# rule also writes its .th: the hash of its compile command and of its
# preprocessed tokens (harness/spec/code_version.py tokens). build/version.c, made at
# every build, holds git commit, dirty flag (untracked files count), compiler,
# flags and the hashes of the core and of each environment and learner.
define FLAGS_TEXT
CC=$(CC)
CFLAGS=$(CFLAGS_ALL)
LDFLAGS=$(LDFLAGS_ALL)
LDLIBS=$(LDLIBS_ALL)
endef
ifneq ($(file <$(BUILD)/.flags),$(FLAGS_TEXT))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/.flags,$(FLAGS_TEXT))
endif
CODEVER := python3 harness/spec/code_version.py

$(BUILD)/%.o $(BUILD)/%.th: %.c $(HDRS) $(BUILD)/.flags harness/spec/code_version.py | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_CFLAGS) -c $< -o $(BUILD)/$*.o
	@$(CODEVER) tokens $(BUILD)/$*.th $(CURDIR) -- $(CC) $(CFLAGS_ALL) $(EXTRA_CFLAGS) -E -P $<

# Whether this build embeds Python, and where the project's venv and the
# Python half of the bridge are (absolute: the harness runs from anywhere).
$(BUILD)/pyconf.h: FORCE | $(BUILD)/.deps
	@mkdir -p $(BUILD)
	@{ if pkg-config --exists python3-embed 2>/dev/null; then echo '#define HAVE_PYTHON 1'; fi; \
	  printf '#define HARNESS_VENV "%s/.venv"\n#define HARNESS_PYDIR "%s/envs/python"\n' "$(CURDIR)" "$(CURDIR)"; \
	} > $@.new; if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
$(BUILD)/envs/pyenv.o $(BUILD)/envs/pyenv_embed.o: $(BUILD)/pyconf.h
$(BUILD)/envs/pyenv.o $(BUILD)/envs/pyenv_embed.o: EXTRA_CFLAGS = $(PY_CFLAGS)

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

$(BUILD)/algorithms/optim.o: CFLAGS_ALL += -fno-math-errno

$(BUILD)/version.c: $(LIB_OBJS) $(BUILD)/harness/cmd/main.o harness/spec/code_version.py FORCE
	@$(CODEVER) generate $@ $(BUILD)/.flags $(BUILD)/harness/cmd/main.o $(LIB_OBJS)

$(BUILD)/version.o: $(BUILD)/version.c $(HDRS) $(BUILD)/.flags
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libharness.a: $(LIB_OBJS) $(BUILD)/version.o
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/harness/cmd/main.o $(BUILD)/libharness.a $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $(BUILD)/harness/cmd/main.o $(BUILD)/libharness.a -o $@ $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(wildcard tests/*.h) $(BUILD)/libharness.a $(HDRS) | $(BUILD)/.test-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< $(BUILD)/libharness.a -o $@ $(LDLIBS_ALL) $$(pkg-config --libs cmocka)

# JOBS=N given on the command line runs N integration scripts at once (default: one at a time).
test: lint $(BIN) $(TEST_BINS) $(VENV)/.installed | $(BUILD)/.test-deps
	@BUILD=$(BUILD) HARNESS=$(abspath $(BIN)) SAN=$(SAN) TEST_JOBS=$(if $(filter command line,$(origin JOBS)),$(JOBS),1) \
	  bash tests/run.sh

# The results store (harness/store/store.h) alone includes sqlite3.h and hdf5.h: its
# files are these; every other source of the harness reads results through it.
STORE_SRCS := harness/store/store.c harness/store/store_select.c harness/store/rundb.c harness/store/rundb_claim.c harness/store/h5store.c harness/store/h5read.c harness/store/results.c
lint:
	@bad=$$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](sqlite3|hdf5)\.h[>"]' \
	  $(filter-out $(STORE_SRCS),$(LIB_SRCS) harness/cmd/main.c $(HDRS)) /dev/null); \
	if [ -n "$$bad" ]; then echo "lint: outside the results store, these include sqlite3.h or hdf5.h:" $$bad >&2; exit 1; fi; \
	echo "lint: only the results store includes sqlite3.h and hdf5.h"

# NAME must be a plain experiment name: letters, digits, _ . - (no path characters).
check-name = @case "$(NAME)" in ""|.*|*[!A-Za-z0-9_.-]*) \
	echo "make: NAME='$(NAME)' is not an experiment name (letters, digits, _ . -); see experiments/" >&2; exit 2;; esac; \
	test -f experiments/$(NAME).cfg || { echo "make: no experiment 'experiments/$(NAME).cfg'" >&2; exit 2; }

experiment: $(BIN) run-deps
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

figures: $(BIN) run-deps
	$(check-name)
	$(BIN) plot $(NAME)

# Compares NAME's configurations: A and B, or every pair; ARGS adds options (ARGS="--factor double").
.PHONY: compare
compare: $(BIN)
	$(check-name)
	$(BIN) compare $(NAME) $(if $(A),'$(A)' '$(B)',$(if $(ARGS),,--all-pairs)) $(ARGS)

# The DQN learning bar: runs experiments/dqn_classic.cfg (resuming what is
# done; about an hour on 2 cores from nothing) and experiments/lunarlander.cfg
# (Gymnasium's LunarLander-v3: needs the venv) and judges their evaluations.
check-learning: $(BIN) $(VENV)/.installed
	$(BIN) run experiments/dqn_classic.cfg -j $(JOBS)
	$(BIN) run experiments/c51_classic.cfg -j $(JOBS)
	$(BIN) run experiments/rainbow_classic.cfg -j $(JOBS)
	$(BIN) run experiments/lunarlander.cfg -j $(JOBS)
	@rc=0; for e in dqn_classic c51_classic rainbow_classic lunarlander; do \
	  HARNESS=$(abspath $(BIN)) bash tests/learning_bar.sh $$e results || rc=1; done; exit $$rc

# The reduced MinAtar DQN bar: runs experiments/minatar_check.cfg (5 games,
# 1M frames, 3 seeds; about 1.6 hours on 2 free cores from nothing, resuming
# what is done) and judges the last-100-episode means (tests/minatar_bar.sh).
.PHONY: check-minatar
check-minatar: $(BIN)
	$(BIN) run experiments/minatar_check.cfg -j $(JOBS)
	@HARNESS=$(abspath $(BIN)) bash tests/minatar_bar.sh minatar_check results

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
FUZZ_CFLAGS = -std=c11 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Wall -Wextra -Wno-missing-field-initializers -ffp-contract=off -fno-fast-math -D_GNU_SOURCE \
	$(PKG_CFLAGS) -I$(BUILD) $(addprefix -I,$(SRC_DIRS))
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))
.PHONY: fuzz
test: $(FUZZ_REPLAY)
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(BUILD)/libharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< tests/fuzz/replay_main.c $(BUILD)/libharness.a -o $@ $(LDLIBS_ALL)
build-fuzz/%.o: %.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build-fuzz/libharness.a: $(patsubst %.c,build-fuzz/%.o,$(LIB_SRCS)) $(BUILD)/version.o
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

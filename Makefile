# Makefile - builds bin/harness, runs tests, benchmarks and experiments.
#
#   make                      build bin/harness (installs missing Debian packages first)
#   make test                 unit + integration tests (prints "N passed, N failed")
#   make test SAN=1           the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make experiment NAME=x    run experiments/x.cfg end to end (JOBS=N, default: all cores)
#   make experiment NAME=x BACKEND=slurm [PARTITION=p] [TIME=t]   submit it as a Slurm job array
#   make figures NAME=x       redraw the figures of an experiment
#   make bench                throughput benchmarks
#   make soak                 crash-safety soak: 60 SIGKILLs of harness run (SOAK_KILLS=N)
#   make deps                 install missing Debian packages (as root, via apt-get)

CC ?= cc
SAN ?=
JOBS ?= $(shell nproc)
NAME ?=

DEB_PACKAGES := build-essential pkg-config libsqlite3-dev sqlite3 libhdf5-dev hdf5-tools \
	libopenblas-dev gnuplot-nox libconfig-dev libcmocka-dev libgsl-dev libssl-dev \
	python3 python3-h5py python3-numpy git libjansson-dev \
	slurmctld slurmd slurm-client munge

ifeq ($(SAN),1)
BUILD := build-san
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build
OPT := -O2 -g
endif

CFLAGS_ALL := -std=c11 $(OPT) -Wall -Wextra -ffp-contract=off -fno-fast-math -D_GNU_SOURCE \
	-I/usr/include/hdf5/serial -I/usr/include/x86_64-linux-gnu/openblas-pthread -I$(BUILD) $(CFLAGS)
LDLIBS_ALL := -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lsqlite3 -lconfig -lgsl -lopenblas \
	-ljansson -lcrypto -lm $(LDLIBS)
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
	  "$$commit" "$$dirty" "$$src" "$$ccv" "$(strip $(OPT)) -Wall -Wextra -ffp-contract=off -fno-fast-math" > $@.new; \
	if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(BUILD)/%.o: %.c $(HDRS) | $(BUILD)/.deps $(BUILD)/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

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

test: $(BIN) $(TEST_BINS)
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

check-learning: $(BIN)
	@HARNESS=$(abspath $(BIN)) bash tests/learning_dqn.sh

bench: $(BIN)
	$(BIN) bench

# The long form of tests/it_soak.sh (make test runs it with 10 kills).
.PHONY: soak
soak: $(BIN)
	HARNESS=$(abspath $(BIN)) TEST_DATA=$(CURDIR)/tests/data SOAK_KILLS=$(or $(SOAK_KILLS),60) \
	  SOAK_WORKER_KILLS=$(or $(SOAK_WORKER_KILLS),10) bash tests/it_soak.sh

clean:
	rm -rf build build-san bin

FORCE:

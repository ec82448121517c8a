# tripline — the one build entry.
#
#   make            build build/tripline and build/tripline_tests
#   make run        install what is missing, build, run the agent on rules/
#   make test       install what is missing, build, run every test
#   make bench      install what is missing, build, run the side-by-side benchmark
#
# The BPF pipeline follows libbpf-bootstrap: clang -target bpf per unit,
# `bpftool gen object` to link them, `bpftool gen skeleton` for userspace.

.DELETE_ON_ERROR:
.SUFFIXES:

OUT ?= build
ARCH ?= x86
CLANG ?= clang
BPFTOOL ?= bpftool
CXX ?= g++
V ?= 0
JOBS ?= $(shell nproc)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

VMLINUX_DIR := vmlinux/$(ARCH)

# maps.bpf.c first: libbpf 1.1's linker needs a map's definition before its externs
BPF_UNITS := maps eval path task procinfo dispatch exec open net setid syscall lifecycle evaltest
BPF_OBJS := $(patsubst %,$(OUT)/kern/%.bpf.o,$(BPF_UNITS))
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-I$(VMLINUX_DIR) -Ikern -MMD -MP

CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror -Wno-missing-field-initializers -MMD -MP \
	-I. -I$(OUT)
LDLIBS := -lbpf -lelf -lz -lyaml-cpp -lre2 -lcurl -lpthread

RULEGEN_SRCS := $(sort $(wildcard rulegen/*.cpp))
USER_SRCS := $(filter-out user/main.cpp,$(sort $(wildcard user/*.cpp)))
TEST_SRCS := $(sort $(wildcard tests/*.cpp))
RULEGEN_OBJS := $(patsubst %.cpp,$(OUT)/%.o,$(RULEGEN_SRCS))
USER_OBJS := $(patsubst %.cpp,$(OUT)/%.o,$(USER_SRCS))
TEST_OBJS := $(patsubst %.cpp,$(OUT)/%.o,$(TEST_SRCS))
TEST_PROGS := $(patsubst tests/progs/%.c,$(OUT)/tests/progs/%,$(wildcard tests/progs/*.c))
BENCH_BINS := $(OUT)/bench/workload $(OUT)/bench/floor $(OUT)/bench/tiny
FUZZ_TARGETS := $(patsubst tests/fuzz/%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
FUZZ_BINS := $(patsubst %,$(OUT)/fuzz/%,$(FUZZ_TARGETS))
FUZZ_OBJS := $(patsubst %.cpp,$(OUT)/fuzz/%.o,$(RULEGEN_SRCS))
# clang for libFuzzer, with address and undefined-behaviour sanitizers
FUZZ_CXXFLAGS := -std=c++20 -O1 -g -fno-omit-frame-pointer -I. -I$(OUT) -MMD -MP \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: all setup run test bench fuzz clean
all: $(OUT)/tripline $(OUT)/tripline_tests $(TEST_PROGS) $(BENCH_BINS)

setup:
	$(Q)scripts/setup

run: setup
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all
	$(OUT)/tripline run -r rules/

test: setup
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all fuzz
	$(Q)scripts/run_tests

# side-by-side performance figures (scripts/bench --help for the options)
bench: setup
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all
	$(Q)scripts/bench $(BENCH_ARGS)

# the fuzz targets; scripts/fuzz runs them (and a test runs scripts/fuzz)
fuzz: $(FUZZ_BINS)

clean:
	rm -rf $(OUT)

# ---- kernel side ----
$(OUT)/kern/%.bpf.o: kern/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/tripline.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $(BPF_OBJS)

$(OUT)/tripline.skel.h: $(OUT)/tripline.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name tripline_bpf > $@

# ---- userspace ----
$(OUT)/%.o: %.cpp
	$(call msg,CXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS) -c $< -o $@

# the loader includes the skeleton
$(USER_OBJS) $(OUT)/user/main.o $(TEST_OBJS): $(OUT)/tripline.skel.h

$(OUT)/librulegen.a: $(RULEGEN_OBJS)
	$(call msg,AR,$@)
	$(Q)ar rcs $@ $^

$(OUT)/libtripline.a: $(USER_OBJS)
	$(call msg,AR,$@)
	$(Q)ar rcs $@ $^

$(OUT)/tripline: $(OUT)/user/main.o $(OUT)/libtripline.a $(OUT)/librulegen.a
	$(call msg,LD,$@)
	$(Q)$(CXX) $(CXXFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tripline_tests: $(TEST_OBJS) $(OUT)/libtripline.a $(OUT)/librulegen.a
	$(call msg,LD,$@)
	$(Q)$(CXX) $(CXXFLAGS) $^ $(LDLIBS) -o $@

# ---- fuzz targets: the compiler rebuilt with sanitizers ----
$(OUT)/fuzz/%.o: %.cpp
	$(call msg,FUZZCXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG)++ $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BINS): $(OUT)/fuzz/%: $(OUT)/fuzz/tests/fuzz/%.o $(FUZZ_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CLANG)++ $(FUZZ_CXXFLAGS) -fsanitize=fuzzer $^ -lyaml-cpp -lre2 -lpthread -o $@

# ---- benchmark tools ----
$(OUT)/bench/floor.bpf.o: tests/bench/floor.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/bench/floor.skel.h: $(OUT)/bench/floor.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(OUT)/bench/floor: tests/bench/floor.cpp $(OUT)/bench/floor.skel.h
	$(call msg,CXX,$@)
	$(Q)$(CXX) $(CXXFLAGS) -I$(OUT)/bench $< -lbpf -lelf -lz -o $@

$(OUT)/bench/workload: tests/bench/workload.cpp
	$(call msg,CXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS) $< -lpthread -o $@

$(OUT)/bench/tiny: tests/bench/tiny.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Werror -static -o $@ $<

# tiny trigger programs for the end-to-end tests, static so they run anywhere
$(OUT)/tests/progs/%: tests/progs/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Werror -static -MMD -MP -MF $@.d -o $@ $<

-include $(TEST_PROGS:=.d)
-include $(FUZZ_OBJS:.o=.d) $(patsubst %,$(OUT)/fuzz/tests/fuzz/%.d,$(FUZZ_TARGETS))
-include $(OUT)/bench/floor.bpf.d $(BPF_OBJS:.o=.d) $(RULEGEN_OBJS:.o=.d) $(USER_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(OUT)/user/main.d

# textclf - plain GNU Makefile. `make help` lists the targets.
#   make            build build/textclf and build/libtextclf.so (the C API, include/textclf.h)
#   make check      unit + parity + Python + integration tests, then unit tests under ASan+UBSan
#                   (the Python suite runs twice: Debian's scikit-learn, and build/venv's
#                   newest one from PyPI, which `make venv` installs: needs PyPI once)
#   make run        serve models/sentiment-en on http://127.0.0.1:8080 through nginx
#   make wheel      the Python package (python/) as a wheel with libtextclf bundled, in build/dist
#   make keras-venv build/keras-venv: Keras 3 + TensorFlow pinned (python/requirements-keras.txt),
#                   for tools/export_keras.py and the Keras parity suite (needs PyPI once)
# Variables: CC, PREFIX (/usr/local), DESTDIR, BUILD (build), WERROR=1, PYTHON, TEXTCLF_DATA.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
PYTHON  ?= $(shell tools/find-python.sh 2>/dev/null || echo /usr/bin/python3)
TEXTCLF_DATA ?= ../shared/data
MODEL   ?= models/sentiment-en
export PYTHON TEXTCLF_DATA

STD    = -std=c11 -D_POSIX_C_SOURCE=200809L
WARN   = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
         -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2 -Wcast-qual \
         -Wwrite-strings -Wdouble-promotion -Wundef -Wnull-dereference
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
WARN  += -Wduplicated-cond -Wlogical-op
endif
ifeq ($(WERROR),1)
WARN  += -Werror
endif
OPT    ?= -O2 -g -fno-omit-frame-pointer
# Every object is position-independent, so the programs and the shared library are linked
# from one object set; symbols are hidden unless textclf.h exports them. It costs nothing
# measurable: `textclf predict` over IMDB test on the bench bigram model runs 4,574,620,362
# instructions (callgrind) against 4,574,617,466 with gcc's default PIE objects, the 2,896
# more all at start-up.
PIC     = -fPIC -fvisibility=hidden
HARDEN  = -fstack-protector-strong
ifeq ($(findstring -O0,$(OPT)),)
HARDEN += -D_FORTIFY_SOURCE=2
endif
SAN    ?=
PKGS    = libmicrohttpd libcjson libcurl libcrypto libpcre2-8 libmurmurhash
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lmicrohttpd -lcjson -lcurl -lcrypto -lpcre2-8 -lmurmurhash)
FINAL_CFLAGS  = $(STD) $(WARN) $(OPT) $(PIC) $(HARDEN) $(SAN) -Iinclude $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
FINAL_LDFLAGS = $(SAN) -Wl,-z,relro,-z,now,-z,noexecstack $(LDFLAGS)
LIBS    = $(PKG_LIBS) -lsvm -lm -lpthread

SRCS      := $(sort $(wildcard src/*.c))
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/tests/replay_%)

# libtextclf.so: the public C API (src/capi.c, include/textclf.h) and what it needs from
# libtextclf.a; only textclf_* is exported (src/libtextclf.map).
SO_MAJOR := 1
SO_FULL  := 1.0.0
SO_REAL  := $(BUILD)/libtextclf.so.$(SO_FULL)
SO_LINKS := $(BUILD)/libtextclf.so.$(SO_MAJOR) $(BUILD)/libtextclf.so
LIBDIR   ?= $(PREFIX)/lib

.PHONY: all check test test-unit test-parity test-integration test-asan test-fuzz-replay \
        asan ubsan fuzz fuzz-replay install uninstall clean run bench model deps deps-test \
        docker package-model lint help lib venv wheel python test-python bench-python keras-venv \
        venv-spark test-spark bench-spark

all: $(BUILD)/textclf $(SO_LINKS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(FINAL_CFLAGS) -c $< -o $@

$(BUILD)/libtextclf.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/textclf: $(MAIN_OBJ) $(BUILD)/libtextclf.a
	$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS)

$(SO_REAL): $(BUILD)/obj/capi.o $(BUILD)/libtextclf.a src/libtextclf.map
	$(CC) -shared -Wl,-soname,libtextclf.so.$(SO_MAJOR) -Wl,--version-script=src/libtextclf.map \
	  -Wl,--no-undefined -Wl,--as-needed $(FINAL_LDFLAGS) -o $@ \
	  $(BUILD)/obj/capi.o $(BUILD)/libtextclf.a $(LIBS)
$(BUILD)/libtextclf.so.$(SO_MAJOR): $(SO_REAL)
	ln -sf $(notdir $<) $@
$(BUILD)/libtextclf.so: $(BUILD)/libtextclf.so.$(SO_MAJOR)
	ln -sf $(notdir $<) $@
lib: $(SO_LINKS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tc_test.h $(BUILD)/libtextclf.a
	@mkdir -p $(@D)
	$(CC) $(FINAL_CFLAGS) -Itests/unit $(FINAL_LDFLAGS) -o $@ $< $(BUILD)/libtextclf.a $(LIBS)

# Test helper programs (tests/tools/*.c): small drivers the Python tests call.
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libtextclf.a
	@mkdir -p $(@D)
	$(CC) $(FINAL_CFLAGS) $(FINAL_LDFLAGS) -o $@ $< $(BUILD)/libtextclf.a $(LIBS)

# Fuzz targets built without libFuzzer: a replay main runs every committed seed.
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(BUILD)/libtextclf.a
	@mkdir -p $(@D)
	$(CC) $(FINAL_CFLAGS) $(FINAL_LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(BUILD)/libtextclf.a $(LIBS)

# ---- Python package -------------------------------------------------------------------
# build/venv: Debian's python3 with the newest scikit-learn from PyPI and the wheel's build
# tools, pinned in python/requirements-test.txt; made again only when the pins change.
SYS_PYTHON ?= /usr/bin/python3
VENV    ?= $(BUILD)/venv
PY_SRCS := $(shell find python -name '*.py' -not -path '*/__pycache__/*' 2>/dev/null) \
           python/pyproject.toml python/README.md
WHEEL_STAMP := $(BUILD)/dist/.built

$(VENV)/.pins: python/requirements-test.txt
	rm -rf $(VENV)
	$(SYS_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r python/requirements-test.txt
	cp python/requirements-test.txt $@
venv: $(VENV)/.pins

# build/keras-venv: Keras 3 + TensorFlow (CPU) pinned in python/requirements-keras.txt, for
# tools/export_keras.py and the Keras parity suite; a link to one venv per pin set, cached
# outside the tree (tools/keras-venv.sh; needs PyPI once).
KERAS_VENV ?= $(BUILD)/keras-venv
$(KERAS_VENV)/.pins: python/requirements-keras.txt tools/keras-venv.sh
	tools/keras-venv.sh $(KERAS_VENV)
keras-venv: $(KERAS_VENV)/.pins

# The wheel carries the libtextclf.so just built (python/setup.py).
$(WHEEL_STAMP): $(SO_REAL) $(PY_SRCS) $(VENV)/.pins
	rm -rf $(BUILD)/dist
	mkdir -p $(BUILD)/dist
	TEXTCLF_BUNDLE_LIB=$(abspath $(SO_REAL)) $(VENV)/bin/pip wheel -q --disable-pip-version-check \
	  --no-deps --no-build-isolation -w $(BUILD)/dist ./python
	touch $@
wheel python: $(WHEEL_STAMP)

# The venv's textclf is that wheel, installed as a pip user installs it.
$(VENV)/.textclf: $(WHEEL_STAMP)
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps --force-reinstall \
	  $(BUILD)/dist/textclf-*.whl
	touch $@

# The Spark exporter's and parity suite's Python: pyspark pinned in requirements-spark.txt,
# in a venv cached outside the checkout (CI's fresh clones reuse it), named by the pins.
SPARK_PINS  := $(shell sha256sum requirements-spark.txt 2>/dev/null | cut -c1-12)
SPARK_VENV  ?= $(HOME)/.cache/textclf/venv-spark-$(SPARK_PINS)
export SPARK_VENV
$(SPARK_VENV)/.pins: requirements-spark.txt
	rm -rf $(SPARK_VENV)
	$(SYS_PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-spark.txt
	cp requirements-spark.txt $@
venv-spark: $(SPARK_VENV)/.pins
test-spark: all $(SPARK_VENV)/.pins
	tests/run.sh --build $(BUILD) spark

# ---- tests ---------------------------------------------------------------------------
# tests/run.sh prints PASS/FAIL lines per check and closes with "N passed, N failed".
test check: deps-test all $(UNIT_BINS) $(REPLAY_BINS) $(TOOL_BINS) $(VENV)/.textclf \
            $(KERAS_VENV)/.pins $(SPARK_VENV)/.pins
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit-bins-only
	tests/run.sh --build $(BUILD) --asan-build build/asan all

unit-bins-only: $(UNIT_BINS) $(REPLAY_BINS)

test-unit: all $(UNIT_BINS) $(TOOL_BINS)
	tests/run.sh --build $(BUILD) unit
test-parity: all $(TOOL_BINS) $(KERAS_VENV)/.pins
	tests/run.sh --build $(BUILD) parity
test-integration: all
	tests/run.sh --build $(BUILD) integration
test-python: all $(VENV)/.textclf
	tests/run.sh --build $(BUILD) python
fuzz-replay test-fuzz-replay: all $(REPLAY_BINS)
	tests/run.sh --build $(BUILD) fuzz-replay
asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test-unit
ubsan:
	$(MAKE) BUILD=build/ubsan SAN="-fsanitize=undefined -fno-sanitize-recover=all" test-unit

# libFuzzer (clang): make fuzz FUZZ_TARGET=invoke FUZZ_SECONDS=60
FUZZ_TARGET  ?= invoke
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) CC=clang BUILD=build/fuzz OPT="-O1 -g" SAN="-fsanitize=fuzzer-no-link,address,undefined" $(BUILD:build=build/fuzz)/libtextclf.a
	clang $(STD) -O1 -g -Iinclude $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
	  -o build/fuzz/fuzz_$(FUZZ_TARGET) tests/fuzz/fuzz_$(FUZZ_TARGET).c build/fuzz/libtextclf.a $(LIBS)
	mkdir -p build/fuzz/corpus_$(FUZZ_TARGET)
	build/fuzz/fuzz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
	  build/fuzz/corpus_$(FUZZ_TARGET) tests/fuzz/corpus/$(FUZZ_TARGET)

# ---- running -------------------------------------------------------------------------
deps:
	@tools/deps.sh runtime
deps-test:
	@tools/deps.sh test

run: deps all
	TEXTCLF_BIN=$(BUILD)/textclf SM_MODEL_DIR=$(MODEL) docker/serve serve

model: all
	$(PYTHON) tools/train_default.py --data $(TEXTCLF_DATA) --out models/sentiment-en
	$(BUILD)/textclf check --model models/sentiment-en

bench: all
	@tools/deps.sh bench
	bench/run.sh

# textclf.Model against scikit-learn and `textclf predict` (bench/python_bench.py).
# Spark's own transform against textclf inside the same Spark job (bench/spark_bench.py).
bench-spark: all $(SPARK_VENV)/.pins
	$(SPARK_VENV)/bin/python bench/spark_bench.py --bin $(BUILD)/textclf --build $(BUILD) \
	  --out bench/results/spark-latest.md

bench-python: all
	PYTHONPATH=$(CURDIR)/python TEXTCLF_LIB=$(abspath $(BUILD))/libtextclf.so.1 \
	  $(PYTHON) bench/python_bench.py --bin $(BUILD)/textclf

docker:
	tools/container.sh build

package-model:
	@test -n "$(MODEL)" || { echo "usage: make package-model MODEL=dir [OUT=model.tar.gz]"; exit 2; }
	tools/package-model.sh "$(MODEL)" "$(or $(OUT),model.tar.gz)"

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability -Iinclude src
	clang-format --dry-run -Werror src/*.c include/*.h

# ---- install -------------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/textclf/models \
	  $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 0755 $(BUILD)/textclf $(DESTDIR)$(PREFIX)/bin/textclf
	install -m 0755 $(SO_REAL) $(DESTDIR)$(LIBDIR)/
	ln -sf libtextclf.so.$(SO_FULL) $(DESTDIR)$(LIBDIR)/libtextclf.so.$(SO_MAJOR)
	ln -sf libtextclf.so.$(SO_MAJOR) $(DESTDIR)$(LIBDIR)/libtextclf.so
	install -m 0644 include/textclf.h $(DESTDIR)$(PREFIX)/include/textclf.h
	printf 'prefix=%s\nlibdir=%s\nincludedir=%s/include\n\nName: textclf\nDescription: %s\nVersion: %s\nLibs: -L$${libdir} -ltextclf\nCflags: -I$${includedir}\n' \
	  '$(PREFIX)' '$(LIBDIR)' '$(PREFIX)' 'textclf text classifiers in-process' '$(SO_FULL)' \
	  > $(DESTDIR)$(LIBDIR)/pkgconfig/textclf.pc
	@if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi
	install -d $(DESTDIR)$(PREFIX)/share/textclf/python/textclf/export
	install -m 0644 python/textclf/*.py $(DESTDIR)$(PREFIX)/share/textclf/python/textclf/
	install -m 0644 python/textclf/export/*.py \
	  $(DESTDIR)$(PREFIX)/share/textclf/python/textclf/export/
	printf '#!/bin/sh\n# textclf-export: the Python package'"'"'s exporters, run by %s\nPYTHONPATH="%s$${PYTHONPATH:+:$$PYTHONPATH}" exec "%s" -m textclf.export "$$@"\n' \
	  '$(PYTHON)' '$(PREFIX)/share/textclf/python' '$(PYTHON)' > $(DESTDIR)$(PREFIX)/bin/textclf-export
	printf '#!/bin/sh\nexec "%s" sklearn "$$@"\n' '$(PREFIX)/bin/textclf-export' \
	  > $(DESTDIR)$(PREFIX)/bin/textclf-export-sklearn
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/textclf-export $(DESTDIR)$(PREFIX)/bin/textclf-export-sklearn
	cp -R models/sentiment-en $(DESTDIR)$(PREFIX)/share/textclf/models/
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/textclf $(DESTDIR)$(PREFIX)/bin/textclf-export-sklearn \
	  $(DESTDIR)$(PREFIX)/bin/textclf-export
	rm -f $(DESTDIR)$(LIBDIR)/libtextclf.so.$(SO_FULL) $(DESTDIR)$(LIBDIR)/libtextclf.so.$(SO_MAJOR) \
	  $(DESTDIR)$(LIBDIR)/libtextclf.so $(DESTDIR)$(LIBDIR)/pkgconfig/textclf.pc \
	  $(DESTDIR)$(PREFIX)/include/textclf.h
	rm -rf $(DESTDIR)$(PREFIX)/share/textclf

clean:
	rm -rf build

help:
	@sed -n 's/^#   //p' Makefile

-include $(wildcard $(BUILD)/obj/*.d)

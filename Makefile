# Up & Down: two commands do everything on a fresh machine with python3 (3.10+) and make:
#   make book    create .venv, install, build the HTML book into _build/html
#   make test    unit tests, every notebook executed once and compared with its stored outputs (nbval's rules),
#                a strict book build from those executed copies, browser tests (if Chromium)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
# Figures in the static book and in the stored notebooks are drawn without live widgets (see README).
export UPDOWN_STATIC := 1
export MPLBACKEND := module://matplotlib_inline.backend_inline
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
BOOK_FLAGS  := --all --warningiserror --keep-going
# make book / make test: each notebook is executed once into $(STAGE) (book/_ext/run_notebooks.py), compared there
# with its stored outputs, and the HTML is built from those copies with execution off. Trained results are kept in
# $(CACHE) under a key of code + settings + CPU (updown._cache); make test-portable never uses it.
STAGE := _build/stage
CACHE := $(CURDIR)/_build/cache/updown
RUN_NOTEBOOKS := UPDOWN_CACHE=$(CACHE) $(BIN)/python book/_ext/run_notebooks.py --stage $(STAGE) --jobs $(JOBS)
BUILD_STAGE   := $(BIN)/jupyter-book build $(STAGE) --path-output . $(BOOK_FLAGS)
# Prints how long a step took: $(call timed,name,command)
timed = start=$$(date +%s); $(2); echo "== $(1): $$(( $$(date +%s) - start )) s"

# make test-portable: the same tests on emulated CPUs unlike the native one (AVX-512 here), nothing cached.
# NumPy's X86_V4 group leaves its newer AVX-512 targets (ICL, SPR) on, so they are named too.
PORTABLE_CPUS := sse41 avx2
PORTABLE_TESTS ?= tests notebooks
CPU_sse41 := ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR" OMP_NUM_THREADS=1
CPU_avx2  := ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" OMP_NUM_THREADS=2
TORCH_sse41 := DEFAULT
TORCH_avx2  := AVX2

.PHONY: help install book test test-unit test-notebooks test-book test-browser test-portable test-fresh test-slow lab bench execute student check clean distclean

help:
	@echo "make book          build the HTML book (creates .venv on first use)"
	@echo "make test          unit tests + notebooks compared with their stored outputs + strict book build + browser tests"
	@echo "make test-portable unit tests + notebooks under nbval on two emulated CPUs (SSE4.1, AVX2), nothing cached"
	@echo "make test-fresh    a chapter run in a fresh venv with only Jupyter and torch, as on Colab and Binder"
	@echo "make test-slow     the slow evidence tests (the FCN chapter's margins over 3 seeds on each emulated CPU)"
	@echo "make lab           JupyterLab on notebooks/ with the project's environment"
	@echo "make bench         benchmarks against PyTorch's CPU kernels"
	@echo "make execute       re-run every notebook top to bottom and store its outputs (before committing)"
	@echo "make student       the student edition (solutions removed) in _build/student"
	@echo "make clean         remove builds and caches (keeps .venv; 'make distclean' removes it too)"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.10+"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "error: Python 3.10+ is needed, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(RUN_NOTEBOOKS)
	$(BUILD_STAGE)
	@echo
	@echo "The book is in _build/html. Open it from disk:  file://$(CURDIR)/_build/html/index.html"
	@echo "or serve it:  $(BIN)/python -m http.server -d _build/html 8000   then http://localhost:8000"

test: $(STAMP)
	@$(call timed,unit tests,$(MAKE) --no-print-directory test-unit)
	@$(call timed,notebooks,$(MAKE) --no-print-directory test-notebooks)
	@$(call timed,strict book build,$(MAKE) --no-print-directory test-book)
	@$(call timed,browser tests,$(MAKE) --no-print-directory test-browser)

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser -n $(JOBS) --dist loadscope -p no:cacheprovider -q

# Each notebook runs once (skipped while its key is unchanged: see book/_ext/run_notebooks.py); every text output
# is compared with the stored one by nbval's rules (tags, tests/nbval_sanitize.cfg).
test-notebooks: $(STAMP)
	$(RUN_NOTEBOOKS) --check

# Strict build (warnings are errors) of the executed copies: every figure comes from the current code.
test-book: $(STAMP)
	@test -f $(STAGE)/_config.yml || { echo "error: run make test-notebooks first"; exit 1; }
	rm -rf _build/html _build/.doctrees
	$(BUILD_STAGE)

test-browser: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then \
	  $(BIN)/python -m pytest tests/browser -m browser -p no:cacheprovider -rs -q -n $(JOBS) --dist loadgroup; \
	  echo "Screenshots of every page: _build/screenshots/"; \
	elif [ "$${UPDOWN_REQUIRE_BROWSER:-0}" = 1 ]; then \
	  echo "error: browser tests are required but /usr/bin/chromium is missing"; exit 1; \
	else \
	  echo "SKIPPED browser tests: /usr/bin/chromium is not installed (apt-get install -y chromium)"; \
	fi

# Everything executed afresh (UPDOWN_CACHE unset) under each emulated CPU, notebooks compared by nbval itself.
test-portable: $(STAMP)
	@if [ "$$(uname -m)" != x86_64 ]; then echo "SKIPPED test-portable: the emulated CPUs are x86-64 ones"; exit 0; fi; \
	for cpu in $(PORTABLE_CPUS); do \
	  case $$cpu in sse41) vars='$(CPU_sse41)'; want=$(TORCH_sse41);; avx2) vars='$(CPU_avx2)'; want=$(TORCH_avx2);; esac; \
	  echo "== emulated CPU $$cpu: $$vars"; \
	  eval env -u UPDOWN_CACHE $$vars $(BIN)/python -c "\"import torch, numpy; \
	    from numpy._core._multiarray_umath import __cpu_features__ as f; \
	    got = torch.backends.cpu.get_cpu_capability(); \
	    print('   torch kernels', got, '| numpy X86_V3', f.get('X86_V3'), 'X86_V4', f.get('X86_V4'), '| threads', torch.get_num_threads()); \
	    assert got == '$$want' and not f.get('X86_V4') and not f.get('AVX512_SPR'), 'the CPU emulation did not take effect'\""; \
	  start=$$(date +%s); \
	  eval env -u UPDOWN_CACHE $$vars $(BIN)/python -m pytest $(PORTABLE_TESTS) --ignore=tests/browser $(NBVAL_FLAGS) \
	    -n $(JOBS) --dist loadscope -p no:cacheprovider -q; \
	  echo "== emulated CPU $$cpu passed in $$(( $$(date +%s) - start )) s"; \
	done

# A fresh venv with only Jupyter and torch==2.13.0 (as Colab ships torch) installs the library the way a
# chapter's set-up cell does and runs a chapter with 0 errors; UPDOWN_FRESH_CHAPTERS=all runs every chapter, and
# FRESH_PATHS="jupyter-only or binder" adds the Binder-style environment (binder/requirements.txt, 1.6 GB).
FRESH_PATHS ?= jupyter-only
test-fresh: $(STAMP)
	$(BIN)/python -m pytest tests/test_fresh_env.py -m fresh_env -k "$(FRESH_PATHS)" -p no:cacheprovider -q -rs

test-slow: $(STAMP)
	$(BIN)/python -m pytest tests -m slow -p no:cacheprovider

# Live widgets in JupyterLab: UPDOWN_STATIC is unset. The kernel is .venv's Python (JUPYTER_PATH puts its
# kernel spec first); --allow-root only where make runs as root (containers), where Jupyter refuses otherwise.
lab: $(STAMP)
	env -u UPDOWN_STATIC JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter $(BIN)/jupyter lab \
	  $(if $(filter 0,$(shell id -u)),--allow-root) notebooks

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 \
	  --ExecutePreprocessor.kernel_name=python3 $(or $(NB),notebooks/*.ipynb)
	$(PYTHON) ../shared/tools/check_notebooks.py 2>/dev/null || true

student: $(STAMP)
	$(BIN)/python tools/make_student.py $(if $(BRANCH),--branch $(BRANCH))

clean:
	rm -rf _build .cache .pytest_cache .hypothesis .jupyter_cache jupyter_execute
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

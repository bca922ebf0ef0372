# Up & Down: two commands do everything on a fresh machine with python3 (3.10+) and make:
#   make book    create .venv, install, build the HTML book into _build/html
#   make test    unit tests, every notebook under nbval, a strict book build, browser tests (if Chromium)
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

.PHONY: help install book test test-unit test-notebooks test-book test-browser test-slow lab bench execute student check clean

help:
	@echo "make book        build the HTML book (creates .venv on first use)"
	@echo "make test        unit tests + notebooks under nbval + strict book build + browser tests"
	@echo "make test-slow   the slow evidence tests (FCN ordering over seeds)"
	@echo "make lab         JupyterLab on notebooks/ with the project's environment"
	@echo "make bench       benchmarks against PyTorch's CPU kernels"
	@echo "make execute     re-run every notebook top to bottom and store its outputs (before committing)"
	@echo "make student     the student edition (solutions removed) in _build/student"
	@echo "make clean       remove builds and caches (keeps .venv; 'make distclean' removes it too)"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.10+"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "error: Python 3.10+ is needed, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo
	@echo "The book is in _build/html. Open it from disk:  file://$(CURDIR)/_build/html/index.html"
	@echo "or serve it:  $(BIN)/python -m http.server -d _build/html 8000   then http://localhost:8000"

test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks --ignore=tests/browser $(NBVAL_FLAGS) -n $(JOBS) --dist loadscope -p no:cacheprovider
	$(MAKE) --no-print-directory test-book
	$(MAKE) --no-print-directory test-browser

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser -n $(JOBS) --dist loadscope

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest notebooks $(NBVAL_FLAGS) -n $(JOBS) --dist loadscope

# The strict build re-executes every notebook, so no figure in the HTML can be older than the code.
test-book: $(STAMP)
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)

test-browser: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then \
	  $(BIN)/python -m pytest tests/browser -m browser -p no:cacheprovider -rs; \
	  echo "Screenshots of every page: _build/screenshots/"; \
	elif [ "$${UPDOWN_REQUIRE_BROWSER:-0}" = 1 ]; then \
	  echo "error: browser tests are required but /usr/bin/chromium is missing"; exit 1; \
	else \
	  echo "SKIPPED browser tests: /usr/bin/chromium is not installed (apt-get install -y chromium)"; \
	fi

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
	rm -rf _build .pytest_cache .hypothesis .jupyter_cache jupyter_execute
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

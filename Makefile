# The book's commands. Each target sets up what it needs (the .venv from the lock) first.
# Run `make help` for the list.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_FOR_VENV ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The strict build: a warning is a failure (-W), unresolved references are warnings (-n),
# and --keep-going reports every warning before failing.
JB_FLAGS := -W -n --keep-going
# The build (src/helpers/build.py) executes the notebooks itself (in parallel, reusing an
# execution only while the content hashes of everything it read still match), runs Sphinx with
# JB_FLAGS in a fresh folder, and publishes HTML, PDF and data as one release, or nothing.
# FRESH=1 ignores the execution cache; WORKERS=n runs n notebooks at a time (default: one per core).
BUILD := $(PY) -m helpers.book.build --jb-flags "$(JB_FLAGS)" $(if $(FRESH),--fresh,) $(if $(WORKERS),--workers $(WORKERS),)
# The ledger page (chapters/numbers) reads the other notebooks' outputs: it runs last.
NOTEBOOKS := index.ipynb $(filter-out chapters/numbers.ipynb,$(sort $(wildcard chapters/*.ipynb))) chapters/numbers.ipynb
# nbval compares each notebook's committed outputs with the execution the published book was
# built from (its executed notebooks under _build/html/_sources), so make test executes each
# notebook once, in the build (tests/nbval_published.py). `make nbval-kernel` runs nbval's own
# kernels instead.
NBVAL_SANITIZE := --nbval-sanitize-with tests/nbval_sanitize.cfg
NBVAL_FLAGS := -p tests.nbval_published --nbval-executed _build/html/_sources $(NBVAL_SANITIZE)
NBVAL_KERNEL_FLAGS := --nbval $(NBVAL_SANITIZE) --nbval-current-env

.PHONY: help setup lab validate book html pdf-deps browser-deps notebooks test lint unit nbval nbval-kernel publish-tests lock datapackage derive vendor bench clean

help:
	@echo "make book       set up .venv if needed, validate data/, execute every chapter, build the HTML and PDF books strictly"
	@echo "make html       a preview of the HTML book in _build/preview/ (not published; make book publishes)"
	@echo "make test       set up .venv if needed, lint, run pytest (unit, schema, bad-input, build) on every core, the strict build, nbval against its executions, tests of the built book"
	@echo "make nbval-kernel  nbval with its own kernels (each notebook executed again)"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make lab        open the book's notebooks in JupyterLab (installed from the lock)"
	@echo "make notebooks  re-execute the notebooks in place (after an intended change to data or code)"
	@echo "make derive     recompute data/'s derived tables from raw open data (SHARED=../shared/data, DOWNLOAD=dir to fetch)"
	@echo "make datapackage  record new sha256 hashes in data/datapackage.json (after an intended data edit)"
	@echo "make vendor     refetch the pinned vega runtime (npm) into _static/vendor/"
	@echo "make lock       re-resolve requirements.lock from pyproject.toml"
	@echo "make bench      time clean/no-change/one-table builds, PDF, make test; page sizes (writes _build/bench/)"
	@echo "make clean      remove _build/"

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON_FOR_VENV)" || { echo "error: python3.11 not found; install Python 3.11" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

setup: $(STAMP)

# JupyterLab comes from the lock (no network needed once .venv exists).
# JupyterLab's settings for the book (binder/overrides.json, also used on Binder): every cell
# rendered, so that jupyterlab-myst evaluates the prose's numbers in cells below the screen too.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): binder/overrides.json $(STAMP)
	@mkdir -p $(dir $@) && cp $< $@

lab: $(STAMP) $(LAB_OVERRIDES)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root,) index.ipynb

# Stops with a file/line/column/rule message before anything is executed.
validate: $(STAMP)
	$(PY) -m helpers.data.validate

# A quick look at the HTML alone, in _build/preview/html; only `make book` publishes.
html: $(STAMP)
	$(BUILD) --format html

# Debian packages the PDF needs: xelatex, LaTeX packages (fncychap.sty is in latex-extra), latexmk,
# fonts with Cyrillic (FreeFont), and poppler-utils for the PDF test. Not texlive-fonts-extra
# (1.4 GB): its one package the PDF loaded, bbm, is taken out (helpers.book.latex_preamble).
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk fonts-freefont-otf poppler-utils
pdf-deps:
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v pdftotext >/dev/null \
	    && kpsewhich fncychap.sty >/dev/null && kpsewhich pzdr.tfm >/dev/null && test -n "$$(fc-list FreeSerif family)"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing TeX Live and fonts for the PDF (a few minutes, once)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	else \
	  echo "error: the PDF book needs TeX Live and fonts. Install them with:" >&2; \
	  echo "  sudo apt-get install -y --no-install-recommends $(TEX_PACKAGES)" >&2; exit 1; \
	fi

# Validates the data, builds HTML and PDF, publishes both with the data as one release, or
# nothing (saying why). A second build in the same clone at the same time stops at once.
book: $(STAMP) pdf-deps
	$(BUILD)

notebooks: validate
	$(PY) -m helpers.book.notebooks execute $(NOTEBOOKS)

# Lint and formatting (ruff, configured in pyproject.toml); `ruff format .` fixes the format.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# On every core (pytest-xdist); tests that run `make book` on the project take turns
# (tests/building/bookrun.make_book_on), since the build lock admits one build at a time.
# worksteal: a worker that runs out of tests takes some of the other's, so that no worker
# idles while the other still has several small-book builds queued.
unit: validate pdf-deps
	$(PY) -m pytest tests --ignore=tests/publish -n auto --dist worksteal

# After `make book` (which does nothing when the published book is current).
nbval: book
	$(PY) -m pytest $(NBVAL_FLAGS) $(NOTEBOOKS)

nbval-kernel: validate
	$(PY) -m pytest $(NBVAL_KERNEL_FLAGS) $(NOTEBOOKS)

# Headless Chromium for the browser test (Debian's package; installed when run as root).
browser-deps:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else echo "note: no chromium; the browser test will be skipped (install: sudo apt-get install chromium)"; fi

# Tests of the built book: browser (offline charts, no off-origin requests), PDF text, CITATION.cff.
# The JupyterLab tests share one server on one worker (their xdist_group); the others spread over
# every worker, each worker starting its own browser. The screenshots are this run's only (none
# left from pages or names an earlier run had).
publish-tests: browser-deps
	rm -rf _build/screenshots
	$(PY) -m pytest tests/publish -n auto --dist loadgroup

# The stages of make test, in order (make bench times each).
TEST_STAGES := lint unit book nbval publish-tests
test: $(TEST_STAGES)

datapackage: $(STAMP)
	$(PY) -m helpers.data.datapackage --update

# Raw inputs are read from $(SHARED) (never committed); DOWNLOAD=dir fetches missing snapshots
# from the manifest's upstream URLs. Every file is checked against its sha256 first.
SHARED ?= ../shared/data
derive: $(STAMP)
	$(PY) -m helpers.derive --shared $(SHARED) $(if $(DOWNLOAD),--download $(DOWNLOAD))

# Speed and size measurements (not tests): medians of BENCH_RUNS runs; see src/helpers/bench.py.
bench: $(STAMP)
	$(PY) -m helpers.book.bench

# The vega runtime for offline charts: pinned npm packages, verified, committed under _static/vendor/.
vendor: $(STAMP)
	$(PY) -m helpers.book.vendor

# --no-strip-extras keeps "jsonschema[format-nongpl]==..." (pinned in pyproject's dev extra);
# pip's hash-checking mode needs that pin with its extra and the plain one, so the plain line is
# added with the same hashes.
lock: $(STAMP)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --no-header --annotation-style line --generate-hashes --no-strip-extras -o requirements.lock
	$(PY) -c 'import re, pathlib; p = pathlib.Path("requirements.lock"); s = p.read_text(); \
	  m = re.search(r"^jsonschema\[format-nongpl\](==.*?)(?=^\S)", s, re.M | re.S); \
	  p.write_text(s if re.search(r"^jsonschema==", s, re.M) else s[: m.start()] + "jsonschema" + m.group(1) + s[m.start() :])'

clean:
	rm -rf _build

# `make print-JB_FLAGS` prints a variable (the tests read the build flags this way).
print-%:
	@echo $($*)

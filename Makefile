# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv and install the locked
# requirements first (skipped while .venv is newer than requirements.lock).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.installed
NODE_READY := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help serve test check lint outputs costs twins mutants numerics build bench lock matrix crossing matrix-lock matrix-stale python-version

help:
	@echo "make serve     build and serve the site on http://$(HOST):$(PORT) with live reload"
	@echo "make test      every test: lint, snippets and their outputs, guards, mutants, numerics, build, links, browser"
	@echo "make check ONLY=snippets/<topic>/<name>.py"
	@echo "               the contributor loop: that snippet and its twin, their mutants, the strict build"
	@echo "make outputs   re-run every snippet and rewrite its recorded output (snippets/**/*.out);"
	@echo "               ONLY=\"snippets/a/b.py ...\" records just those (and their Keras 2 twins)"
	@echo "make costs     run every test as make test does and record each block's seconds in"
	@echo "               tests/block-costs.json (its time limit is 4 x that, at least 60 s)"
	@echo "make twins     rewrite the generated Keras 2 twins (snippets/<topic>/keras2/) from their sources"
	@echo "make mutants   flip each training=True/False literal in each snippet, one at a time (ONLY= as above)"
	@echo "make numerics  re-run the training snippets with oneDNN flipped and one thread; outputs must not change"
	@echo "make lint      ruff (lint and format check) over all code, zizmor over the GitHub workflows"
	@echo "make build     strict static build into site/"
	@echo "make bench     runner speed (warm parallel forks vs fresh processes) and page weight, as ratios;"
	@echo "               REF=<git ref> times that commit's snippets through today's runner"
	@echo "make lock      regenerate requirements.lock from requirements.txt (after changing requirements.txt)"
	@echo "make matrix    every snippet and the atlas on each TensorFlow/Keras column; records in versions/"
	@echo "               (COLUMNS=\"a b\" for some; ATLAS=pairwise|none for a smaller atlas;"
	@echo "               STALE=1: only the snippets whose record is missing or stale)"
	@echo "make crossing  save models as .keras on each Keras 3 column (and tf_keras), load them on the"
	@echo "               pinned release and the nightly; versions/crossing.json (make matrix runs it too)"
	@echo "make matrix-lock  write the changed matrix/*.lock and move keras-nightly to the newest"
	@echo "make matrix-stale fail when a version record is missing or older than its snippet (CI)"

# The runner forks a process that has imported TensorFlow; the site is verified on one Python
# (PYTHON_VERSION in tools/environments.py).
WANT_PYTHON = $(shell sed -n 's/^PYTHON_VERSION = "\([0-9.]*\)".*/\1/p' tools/environments.py)
python-version:
	@v=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none); \
	if [ "$$v" != "$(WANT_PYTHON)" ]; then \
	  echo "This project needs Python $(WANT_PYTHON); '$(PYTHON)' is Python $$v."; \
	  echo "Install it (Debian 12: apt-get install python3 python3-venv; other systems: pyenv install $(WANT_PYTHON)),"; \
	  echo "then run: make PYTHON=/path/to/python3.11 $(or $(MAKECMDGOALS),test)"; \
	  exit 1; \
	fi

$(READY): requirements.lock
	@$(MAKE) --no-print-directory python-version PYTHON=$(if $(wildcard $(PY)),$(PY),$(PYTHON))
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --require-hashes -r requirements.lock
	@touch $(READY)

# The checker package (checker/), built into a wheel and installed with --no-deps: the snippets
# import it as a reader's project would. Rebuilt whenever a file of checker/ changes.
CHECKER_READY := $(VENV)/.checker-installed
$(CHECKER_READY): $(READY) $(shell find checker -type f -not -path '*/__pycache__/*' 2>/dev/null)
	$(PY) -m tools package
	@touch $(CHECKER_READY)

# axe-core for the accessibility checks of the browser tests, pinned in package-lock.json
$(NODE_READY): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_READY)

serve: $(CHECKER_READY)
	SITE_URL=http://$(HOST):$(PORT)/ $(VENV)/bin/mkdocs serve --dev-addr $(HOST):$(PORT) --livereload

test: $(CHECKER_READY) $(if $(wildcard package-lock.json),$(NODE_READY)) lint
	$(PY) -m pytest

lint: $(READY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/zizmor --offline --quiet .github/workflows/

outputs: $(CHECKER_READY)
	$(PY) -m tools outputs $(ONLY)

costs: $(CHECKER_READY) $(if $(wildcard package-lock.json),$(NODE_READY))
	$(PY) -m pytest --record-costs --durations=12

twins: $(READY)
	$(PY) -m tools twins

mutants: $(CHECKER_READY)
	$(PY) -m tools mutants $(ONLY)

numerics: $(CHECKER_READY)
	$(PY) -m tools numerics

build: $(CHECKER_READY)
	$(VENV)/bin/mkdocs build --strict --site-dir site

bench: $(CHECKER_READY)
	REF="$(REF)" $(PY) -m bench.runner_speed
	$(if $(REF),,$(PY) -m bench.contributor_loop)
	$(if $(REF),,$(PY) -m bench.page_weight)

# The contributor loop: one snippet and its twin against their records, their mutants,
# the strict build (about half a minute); `make check ONLY=snippets/<topic>/<name>.py`
check: $(CHECKER_READY)
	@test -n "$(ONLY)" || { echo 'usage: make check ONLY=snippets/<topic>/<name>.py'; exit 2; }
	$(PY) -m tools check $(ONLY)

# uv and the Python the lock is resolved for: UV and LOCK_PYTHON in tools/environments.py
lock: $(READY)
	$(PY) -m tools lock

# Which versions: one cached venv per TensorFlow release under .matrix/, one record per column in versions/
matrix: $(CHECKER_READY)
	$(PY) -m tools matrix --atlas $(or $(ATLAS),full) $(if $(STALE),--skip-current) $(COLUMNS)

crossing: $(READY)
	$(PY) -m tools crossing

matrix-lock: $(READY)
	$(PY) -m tools matrix --lock

matrix-stale: $(READY)
	$(PY) -m tools matrix --report-stale

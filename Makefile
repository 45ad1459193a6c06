# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv and install the pinned
# requirements first, and skip the install while .venv is newer than requirements.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test outputs twins build bench help

help:
	@echo "make serve    build and serve the site on http://$(HOST):$(PORT) with live reload"
	@echo "make test     every test: snippets and their outputs, guards, strict build, links, browser"
	@echo "make outputs  re-run every snippet and rewrite its recorded output (snippets/**/*.out);"
	@echo "              ONLY=\"snippets/a/b.py ...\" records just those (and their Keras 2 twins)"
	@echo "make twins    rewrite the generated Keras 2 twins (snippets/<topic>/keras2/) from their sources"
	@echo "make build    strict static build into site/"
	@echo "make bench    runner speed (fork from a warm interpreter vs fresh processes) and page weight"

$(READY): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(READY)

serve: $(READY)
	SITE_URL=http://$(HOST):$(PORT)/ $(VENV)/bin/mkdocs serve --dev-addr $(HOST):$(PORT) --livereload

test: $(READY)
	$(PY) -m pytest

outputs: $(READY)
	$(PY) tests/runner.py --outputs $(ONLY)

twins: $(READY)
	$(PY) tests/runner.py --twins

build: $(READY)
	$(VENV)/bin/mkdocs build --strict --site-dir site

bench: $(READY)
	$(PY) bench/runner_speed.py
	@if [ -f bench/page_weight.py ]; then $(PY) bench/page_weight.py; fi

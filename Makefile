# 邻里 — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-10)
RUNTIME  := $(VENV)/.runtime-$(REQ_HASH)
DEV      := $(VENV)/.dev-$(REQ_HASH)

.PHONY: run test lint serve migrate demo e2e messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(RUNTIME)

migrate: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_activities
	$(BIN)/python manage.py seed_demo_reports

## make run: virtualenv, install, migrate, demo data, serve http://127.0.0.1:8000 (HTTP + WebSocket)
run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

AXE := node_modules/axe-core/axe.min.js

# axe-core for the accessibility crawl, from the npm registry at the version package-lock.json
# pins (never a CDN at run time). Without npm the crawl reports itself as not run (failed under CI).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility crawl will not run"; fi

## make test: the whole suite (SQLite unless DATABASE_URL is set; browser tests when Chromium is present)
test: $(DEV) $(AXE)
	$(BIN)/python -m pytest

lint: $(DEV)
	$(BIN)/ruff check .

## make messages: refresh the translation catalogue after changing strings
messages: $(DEV)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Mindful Alliance: every task a contributor or CI needs. `make help` lists them.
# The two commands the README promises: `make serve` and `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP := $(VENV)/.installed-test
# `make serve` listens here; DEV_ADDR=0.0.0.0:8000 previews on a phone on the same network.
DEV_ADDR ?= 127.0.0.1:8000
SITE_URL ?= http://$(DEV_ADDR)/
VERSION := $(shell cat VERSION)
export NO_MKDOCS_2_WARNING := 1
export SITE_URL

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-20s %s\n", $$1, $$2}'

# Two stamps, so that building never installs what only the tests need: `make serve`,
# `make build` and `make dist` need Python and the build lock; `make test` adds the test lock
# and Node.js (axe-core for the accessibility tests).
$(BUILD_STAMP): requirements/build.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/build.lock
	@# This repository's own distribution (scripts/): the engine and the site's tooling.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(BUILD_STAMP)

$(TEST_STAMP): $(BUILD_STAMP) requirements/test.lock package-lock.json
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/test.lock
	@command -v npm >/dev/null || { echo "error: npm not found (Node.js is needed for axe-core)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(TEST_STAMP)

.PHONY: install
install: $(BUILD_STAMP) ## Create .venv with what building needs (once per change of the lock)

.PHONY: install-test
install-test: $(TEST_STAMP) ## Add the test tools to .venv, and node_modules (once per change)

.PHONY: system-deps
system-deps: ## Install Debian's chromium and nginx for the browser tests when missing (CI or root)
	@bash scripts/install_system_deps.sh

.PHONY: export
export: install ## Write the BibTeX, RIS and CSL-JSON downloads into docs/downloads/
	$(PY) -m alliance_site export

.PHONY: figures
figures: install ## Draw the SVG figures from data/
	$(PY) -m alliance_site figures

.PHONY: site-files
site-files: ## Ship CITATION.cff and LICENSE in the site (docs/downloads/, linked from every footer)
	mkdir -p docs/downloads
	cp CITATION.cff docs/downloads/CITATION.cff
	cp LICENSE docs/downloads/LICENSE.txt

.PHONY: prepare
prepare: export figures site-files

.PHONY: serve
serve: prepare ## Serve with live reload on DEV_ADDR (default 127.0.0.1:8000); bib edits reload too
	$(PY) -m mkdocs serve --dev-addr $(DEV_ADDR) --watch bib

.PHONY: build
build: prepare ## Build the static site into site/ (set SITE_URL for the deployment address)
	$(PY) -m mkdocs build --strict --clean

.PHONY: build-zensical
build-zensical: prepare ## Build the same site with Zensical into site-zensical/ (site/ is kept)
	@# Zensical has no --site-dir: it writes site/, so an existing MkDocs build is set aside.
	rm -rf .site-keep && if [ -d site ]; then mv site .site-keep; fi
	$(PY) -m zensical build --strict --clean --config-file mkdocs.yml || \
		{ rm -rf site; if [ -d .site-keep ]; then mv .site-keep site; fi; exit 1; }
	rm -rf site-zensical && mv site site-zensical
	if [ -d .site-keep ]; then mv .site-keep site; fi

.PHONY: dist
dist: build ## Pack site/ into dist/mindful-alliance-VERSION.zip for an intranet server
	mkdir -p dist
	$(PY) -c "import shutil; shutil.make_archive('dist/mindful-alliance-$(VERSION)', 'zip', 'site')"
	@echo "dist/mindful-alliance-$(VERSION).zip (built for $(SITE_URL))"

.PHONY: overdue
overdue: install ## List the pages whose review is overdue (never fails; TODAY=YYYY-MM-DD to look ahead)
	$(PY) -m alliance_site overdue $(if $(TODAY),--today $(TODAY))

.PHONY: check-bib
check-bib: install ## Validate the bibliography and every citation, without building
	$(PY) -m alliance_site check

.PHONY: lint
lint: install-test ## Lint and format check (ruff), spelling (codespell)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell docs README.md CONTRIBUTING.md

.PHONY: format
format: install-test ## Fix lint and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: typecheck
typecheck: install-test ## Type-check scripts/ and tests/ (mypy --strict)
	$(BIN)/mypy

.PHONY: check-links
check-links: install-test build ## Check every internal link and anchor of the built site
	$(PY) -m alliance_site check-links site --bib bib/references.bib

.PHONY: test-fast
test-fast: install-test prepare ## Quick checks: lint, types, bibliography, unit tests (no browser)
	$(MAKE) lint typecheck check-bib
	$(PY) -m pytest -m "not browser and not build" -q

.PHONY: test
test: install-test system-deps prepare ## Every check: lint, types, bibliography, both engines, links, browser
	$(MAKE) lint typecheck check-bib
	$(PY) -m pytest -q

.PHONY: screenshots
screenshots: install-test system-deps prepare ## Write screenshots of key pages (light, dark, desktop, mobile) to screenshots/
	$(PY) -m tests.browser.screenshots

.PHONY: linkcheck-external
linkcheck-external: install ## Check every external link once (needs a network; cached two weeks)
	$(PY) -m alliance_site check-external --cache .linkcheck-cache/external-links.json

.PHONY: bench
bench: install-test system-deps prepare ## Build, reader and serve benchmarks; writes benchmarks/RESULTS.md
	$(PY) -m benchmarks.run

.PHONY: lock
lock: ## Regenerate requirements/*.lock from requirements/*.in
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements/build.in
	{ echo "# Exact pins for Python 3.11 of what building needs, generated by \`make lock\` from requirements/build.in."; \
	  .lock-venv/bin/pip freeze --all --exclude-editable | grep -v '^pip=='; } > requirements/build.lock
	.lock-venv/bin/pip install --quiet -r requirements/test.in
	{ echo "# Exact pins for Python 3.11 of what the tests add to build.lock, generated by \`make lock\` from requirements/test.in."; \
	  .lock-venv/bin/pip freeze --all --exclude-editable | grep -v '^pip==' | grep -vxFf requirements/build.lock; } > requirements/test.lock
	rm -rf .lock-venv

.PHONY: clean
clean: ## Remove built output and caches (keeps .venv)
	rm -rf site site-zensical dist docs/downloads .citation-cache .pytest_cache .mypy_cache .ruff_cache .hypothesis

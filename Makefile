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
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/build.lock
	@# This repository's own distribution (scripts/): the engine and the site's tooling.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(BUILD_STAMP)

$(TEST_STAMP): $(BUILD_STAMP) requirements/test.lock package-lock.json
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/test.lock
	@command -v npm >/dev/null || { echo "error: npm not found (Node.js is needed for axe-core)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(TEST_STAMP)

.PHONY: install
install: $(BUILD_STAMP) ## Create .venv with what building needs (once per change of the lock)

.PHONY: install-test
install-test: $(TEST_STAMP) ## Add the test tools to .venv, and node_modules (once per change)

.PHONY: system-deps
system-deps: ## Install Debian's chromium, nginx and apache2 for the browser tests when missing (asks unless CI)
	@bash scripts/install_system_deps.sh

# MkDocs makes the downloads and figures in every build (alliance_site.mkdocs_plugin), so
# `mkdocs build --strict` and `mkdocs serve` need no step first. Zensical runs no MkDocs
# plugin: `make export figures` writes them into docs/ for a plain `zensical build`.
.PHONY: export
export: install ## Write the BibTeX, RIS and CSL-JSON downloads into docs/downloads/ (for plain Zensical)
	$(PY) -m alliance_site export

.PHONY: figures
figures: install ## Draw the SVG figures from data/ into docs/assets/figures/ (for plain Zensical)
	$(PY) -m alliance_site figures

.PHONY: serve
serve: install ## Serve with live reload on DEV_ADDR (default 127.0.0.1:8000); bib edits reload too
	$(PY) -m alliance_site serve --dev-addr $(DEV_ADDR)

# build, build-zensical, dist and dist-offline go through alliance_site.release: `mkdocs
# build --strict` (or Zensical) plus what only releases need: the checkout's build lock, a
# snapshot of the sources (so pages and downloads agree), and output replaced only when the
# build succeeded.
.PHONY: build
build: install ## Build the static site into site/ (set SITE_URL for the deployment address)
	$(PY) -m alliance_site build

.PHONY: build-zensical
build-zensical: install ## Build the same site with Zensical into site-zensical/ (site/ is kept)
	$(PY) -m alliance_site build --engine zensical

.PHONY: dist
dist: install ## Pack a checked, reproducible dist/mindful-alliance-VERSION-COMMIT.zip for a web server
	$(PY) -m alliance_site dist

.PHONY: dist-offline
dist-offline: install ## Pack dist/mindful-alliance-VERSION-COMMIT-offline.zip, to open from a file share
	$(PY) -m alliance_site dist --offline

.PHONY: overdue
overdue: install ## List the pages whose review is overdue (never fails; TODAY=YYYY-MM-DD to look ahead)
	$(PY) -m alliance_site overdue $(if $(TODAY),--today $(TODAY))

.PHONY: check-bib
check-bib: install ## Validate the bibliography and every citation (warnings pass; STRICT=1 fails on them)
	$(PY) -m alliance_site check $(if $(STRICT),--strict)

.PHONY: lint
lint: install-test ## Lint and format check (ruff), spelling (codespell)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell docs README.md CONTRIBUTING.md

.PHONY: deps
deps: install-test ## The build path's boundary: every import declared (deptry), none test-only (import-linter)
	$(BIN)/deptry --no-ansi .
	$(BIN)/lint-imports --no-cache

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

.PHONY: fresh-clone
fresh-clone: ## Clone HEAD into a temporary folder; make install, build, serve (over HTTP) and dist there, build lock only
	bash scripts/fresh_clone_check.sh

# The layers and markers: tests/README.md. The fast layer is the unit tests of the engine,
# the site's tooling and the content rules, less the oracle and slow ones; it runs with Node.js
# and Pandoc taken away (ALLIANCE_NO_ORACLES=1, tests/conftest.py), so a test that needs an
# oracle and is not marked so fails here instead of quietly making this target need it.
FAST_LAYERS := tests/engine tests/site tests/content
FAST_MARKERS := not browser and not build and not oracle and not slow

.PHONY: test-fast
test-fast: install-test ## Quick checks (under 20 s): lint, types, deps, bibliography, unit tests without Node or Pandoc
	$(MAKE) lint typecheck deps check-bib STRICT=1
	ALLIANCE_NO_ORACLES=1 $(PY) -m pytest -q -m "$(FAST_MARKERS)" $(FAST_LAYERS)

.PHONY: test-oracle
test-oracle: install-test ## Only the tests that compare with Pandoc and citeproc-js (make test runs them too)
	$(PY) -m pytest -q -m oracle

.PHONY: test-browser
test-browser: install-test system-deps ## Only the browser tests (Chromium on http.server, nginx, Apache)
	$(PY) -m pytest -q -m browser

# make test runs the suite in TEST_WORKERS processes (pytest-xdist), a module to a process
# (--dist loadscope: a module's fixtures, such as a hosted server or a browser page, are made
# once); the whole site is built once per run and shared (one_build_per_run, tests/conftest.py).
TEST_WORKERS ?= 2

.PHONY: test
# The fresh clone (make fresh-clone) is one of the tests (tests/builds/test_fresh_clone.py):
# it sets up a clone of HEAD with the build lock alone, the one check that sees what a
# newcomer's `make serve` sees, and runs beside the others instead of before them.
test: install-test system-deps ## Every check: lint, types, deps, bibliography, a fresh clone's make serve/build/dist, both engines, links, browser
	$(MAKE) lint typecheck deps check-bib STRICT=1
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

.PHONY: screenshots
screenshots: install-test system-deps ## Write screenshots of key pages (light, dark, desktop, mobile) to screenshots/
	$(PY) -m tests.browser.screenshots

.PHONY: linkcheck-external
linkcheck-external: install ## Check every external link once (needs a network; cached two weeks)
	$(PY) -m alliance_site check-external --cache .linkcheck-cache/external-links.json

.PHONY: bench
bench: install-test system-deps ## Build, reader and serve benchmarks; writes benchmarks/RESULTS.md
	$(PY) -m benchmarks.run

.PHONY: lock
# pip-compile keeps the versions already pinned unless a .in file asks otherwise; to move
# everything to the newest allowed versions, delete the .lock files first.
PIP_TOOLS_VERSION := 7.6.2
PIP_COMPILE := .lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: ## Regenerate requirements/*.lock (exact versions with sha256 hashes) from requirements/*.in
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)
	$(PIP_COMPILE) --output-file requirements/build.lock requirements/build.in
	$(PIP_COMPILE) --output-file requirements/test.lock requirements/test.in
	rm -rf .lock-venv

.PHONY: clean
clean: ## Remove built output and caches (keeps .venv)
	rm -rf site site-zensical site-offline dist docs/downloads .build-work-* .citation-cache .pytest_cache .mypy_cache .ruff_cache .hypothesis

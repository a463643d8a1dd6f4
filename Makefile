# Two commands, on a fresh machine with nothing but Python and make:
#   make publish   build the shipped show into public/
#   make test      the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
S3RVER := tests/s3rver/node_modules/.bin/s3rver

.PHONY: publish test validate bench clean browser-deps lighthouse

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# pip compiles what it installs, but not an editable package, and with PYTHONDONTWRITEBYTECODE
	# set (as in CI images) nothing else ever will: 70 ms of every publish. Stale files are ignored.
	$(BIN)/python -m compileall -q feed_builder cli.py
	touch $(STAMP)

publish: $(STAMP)
	$(BIN)/podcast publish

test: $(STAMP) browser-deps $(S3RVER)
	$(BIN)/python -m pytest -n 2

# The browser tests' needs, from the registries only: Debian's Chromium and its driver (apt-get, as
# root, as CI runs), and axe-core pinned by tests/browser/package-lock.json. Without root or apt-get
# (macOS), the browser tests skip and say why.
CHROMIUM := /usr/lib/chromium/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

browser-deps: $(AXE)
	@test -x $(CHROMIUM) -a -x /usr/bin/chromedriver || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && $(APT_INSTALL) chromium chromium-driver; \
	  else echo "Chromium is missing and cannot be installed here: the browser tests will skip"; fi

$(AXE): tests/browser/package-lock.json
	@if command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    apt-get update -qq && $(APT_INSTALL) npm; }; then \
	  cd tests/browser && npm ci --no-audit --no-fund --silent && touch node_modules/axe-core/axe.min.js; \
	else echo "npm is missing and cannot be installed here: the browser tests need axe-core"; fi

# A second S3 implementation for the deploy tests: the npm s3rver, pinned by tests/s3rver/package-lock.json.
# Like axe-core: without npm and no way to install it, its tests skip and say why.
$(S3RVER): tests/s3rver/package-lock.json
	@if command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    apt-get update -qq && $(APT_INSTALL) npm; }; then \
	  cd tests/s3rver && npm ci --no-audit --no-fund --silent && touch node_modules/.bin/s3rver; \
	else echo "npm is missing and cannot be installed here: the s3rver deploy tests will skip"; fi

validate: $(STAMP)
	$(BIN)/podcast validate

# On demand, never in the test suite: figures beside floors measured in the same run.
bench: $(STAMP)
	$(BIN)/python bench/bench_publish.py --episodes 1000
	$(BIN)/python bench/bench_tagging.py
	PYTHONPATH=. $(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_encode.py

# On demand: Lighthouse (npm, pinned by bench/lighthouse/package-lock.json) on serve's pages.
LIGHTHOUSE := bench/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE): bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --silent
	touch $(LIGHTHOUSE)

lighthouse: $(STAMP) browser-deps $(LIGHTHOUSE)
	PYTHONPATH=. $(BIN)/python bench/bench_lighthouse.py 3

clean:
	rm -rf public preview $(VENV) tests/browser/node_modules tests/s3rver/node_modules

# Two commands, on a fresh machine with nothing but Python and make:
#   make publish   build the shipped show into public/
#   make test      the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: publish test validate bench clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

validate: $(STAMP)
	$(BIN)/podcast validate

# On demand, never in the test suite: figures beside floors measured in the same run.
bench: $(STAMP)
	$(BIN)/python bench/bench_publish.py --episodes 1000
	$(BIN)/python bench/bench_tagging.py
	PYTHONPATH=. $(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_encode.py

clean:
	rm -rf public $(VENV)

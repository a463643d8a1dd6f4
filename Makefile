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
	touch $(STAMP)

publish: $(STAMP)
	$(BIN)/podcast publish

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

validate: $(STAMP)
	$(BIN)/podcast validate

clean:
	rm -rf public $(VENV)

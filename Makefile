# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/kit

lint: $(STAMP_TEST)
	$(BIN)/ruff check kit tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it each of the
# suite's ~700 `kit` subprocesses compiles again every kit module it loads (0.04-0.13 s of CPU
# each, ~14 s of the suite's), and each worker rewrites every test module's asserts again.
test: lint
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n auto --dist worksteal $(PYTEST_ARGS)

bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/vault_bench.py
	$(BIN)/python benchmarks/tui_bench.py
	$(BIN)/python benchmarks/preparedness_bench.py
	$(BIN)/python benchmarks/scan_bench.py
	$(BIN)/python benchmarks/supervision_bench.py
	$(BIN)/python benchmarks/transaction_bench.py
	$(BIN)/python benchmarks/strip_bench.py
	$(BIN)/python benchmarks/photo_scan_bench.py

# SVGs of the demo (made-up records only) for the README, in docs/screenshots/.
screenshots: $(STAMP_RUN)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

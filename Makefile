# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= detente.duckdb
SEED   := examples/000_911107bcbd4a2299.txt

.PHONY: install run test test-fast eval clean

# The classifier extra (a 90 MB embedding model) is optional for users; the checks install it so
# the quality gate measures the fallback too, and tests switch it off to check the core alone.
$(BIN)/detente: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,classifier]"
	@touch $(BIN)/detente

install: $(BIN)/detente

run: install
	$(BIN)/detente ingest examples/ --db $(DB) --published 2024-06-21
	@echo
	@echo "== coded events =="
	$(BIN)/detente events --db $(DB)
	@echo
	@echo "== busiest dyads =="
	$(BIN)/detente dyads --db $(DB) --top 10
	@echo
	@echo "== dashboard (Ctrl-C to stop) =="
	$(BIN)/detente serve --db $(DB)

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) $(DB) .pytest_cache build src/*.egg-info

# Works on a fresh machine with only python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := test
.PHONY: venv run serve test lint format bench clean distclean

venv: $(STAMP)

# Created only when missing; an existing .venv is reused as is.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# Re-installs whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev,qiskit]'
	touch $@

run: venv
	$(BIN)/streamlit run dashboard.py

# Serving to other machines is a deliberate choice and needs sign-in: QSCHED_AUTH=header
# (behind an authenticating proxy) or QSCHED_AUTH=oidc (README, "Serving it to others").
# ui.identity refuses (exit 2, with the reason) before anything listens.
ADDRESS ?= 0.0.0.0
PORT    ?= 8501
serve: venv
	$(BIN)/python -m ui.identity '$(ADDRESS)'
	$(BIN)/streamlit run dashboard.py --server.address '$(ADDRESS)' --server.port '$(PORT)'

# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
test: venv
	bash .ci/ensure-chromium
	@rc=0; $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests ran (pytest exit code 5)" >&2; exit 1; fi; \
	exit $$rc

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	@if [ -f benchmarks/run_all.py ]; then \
		$(BIN)/python benchmarks/run_all.py; \
	else \
		echo "benchmarks/run_all.py not found; nothing to run"; \
	fi

clean:
	rm -rf build dist out .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

# Also removes the virtual environment.
distclean: clean
	rm -rf $(VENV)

# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup sysdeps sysdeps-test lint typecheck translations bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

sysdeps:
	@bash installers/system_deps.sh run

sysdeps-test:
	@bash installers/system_deps.sh test

run: sysdeps setup
	$(VENV)/bin/crucible

test: sysdeps-test setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# Lint, types and the import contracts (.importlinter: no Qt under app/, the layers, no cycles).
lint: setup
	$(VENV)/bin/ruff check app widgets tests bench tools
	$(VENV)/bin/mypy app widgets
	$(VENV)/bin/lint-imports --no-cache

# Refresh resources/translations/*.ts from widgets/ + app/main.py, compile the .qm, list gaps.
translations: setup
	$(PY) tools/translations.py

bench: setup
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

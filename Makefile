# Two commands matter: `make run` (set up, then check the bundled examples) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-python test-vscode bench e2e-vscode clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@echo "== lambda-leak check examples/"
	@$(VENV)/bin/lambda-leak check examples/; [ $$? -le 1 ]
	@echo
	@echo "== the fixes: lambda-leak check examples/ --diff --unsafe-fixes (nothing is written)"
	@$(VENV)/bin/lambda-leak check examples/ --diff --unsafe-fixes --exit-zero

test: test-vscode test-python  # the extension first: its TypeScript also type-checks fixed TS in pytest

test-python: $(STAMP)
	$(PY) -m pytest -q

test-vscode: $(STAMP)
	@if [ -f vscode-client/package.json ]; then $(MAKE) -C vscode-client ci; fi

bench: $(STAMP)
	$(PY) bench/check_speed.py
	$(PY) bench/python_speed.py
	$(PY) bench/python_repo.py
	$(PY) bench/lsp_latency.py

e2e-vscode: $(STAMP)
	@if [ -f tests/e2e-vscode/run.sh ]; then bash tests/e2e-vscode/run.sh; fi

clean:
	rm -rf $(VENV) .pytest_cache

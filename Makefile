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
	@if [ ! -f vscode-client/package.json ]; then exit 0; fi; \
	if ! command -v npm >/dev/null 2>&1; then \
	  if [ -n "$$CI" ]; then echo "make test: npm is missing, and CI must test the VS Code extension" >&2; exit 1; fi; \
	  echo "make test: skipping the VS Code extension (it needs Node.js 20+ and npm); the Python suite still runs" >&2; \
	  exit 0; \
	fi; \
	$(MAKE) -C vscode-client ci PYTHON=$(abspath $(PY))

bench: $(STAMP)  # prints the lambda-leak / (oxlint + ruff) ratio and the editor p95 on a 3,600-line file
	@# Byte-compiled first, as an installed package is: with PYTHONDONTWRITEBYTECODE set, an editable
	@# install would otherwise compile every changed module at each start, inside the timings.
	$(PY) -m compileall -q server/lambda_leak
	$(PY) bench/repo_speed.py
	$(PY) bench/check_speed.py
	$(PY) bench/python_speed.py
	$(PY) bench/python_repo.py
	$(PY) bench/lsp_latency.py
	$(PY) bench/iac_speed.py
	$(PY) bench/workspace_problems.py

e2e-vscode: $(STAMP)
	@if [ -f tests/e2e-vscode/run.sh ]; then bash tests/e2e-vscode/run.sh; fi

clean:
	rm -rf $(VENV) .pytest_cache

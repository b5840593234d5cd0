"""Serverless Framework: `functions.<name>.handler` in serverless.yml / serverless.yaml.

Handlers are relative to the service folder, or to the function's `module` folder when
serverless-python-requirements packages functions individually (`module: func1`,
`handler: handler.main` → func1/handler.py). `${file(...)}` references for the `functions`
block or a single function are followed; other `${...}` variables are substituted only when
they name `self:` values that are plain strings."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import yaml

from lambda_leak.iac.cfn_yaml import LineDict, load_json, load_yaml
from lambda_leak.iac.handler_paths import join
from lambda_leak.iac.model import Declaration

log = logging.getLogger("lambda_leak.iac")

SERVERLESS_FILE_NAMES = frozenset({"serverless.yml", "serverless.yaml", "serverless.json"})
_FILE_REFERENCE = re.compile(r"^\$\{file\(([^)]+)\)(?::([\w.\-]+))?\}$")
_SELF_VARIABLE = re.compile(r"\$\{self:([\w.\-]+)\}")
_MAX_INCLUDE_DEPTH = 3


def declarations(document: Any, path: Path) -> list[Declaration]:
    if not isinstance(document, dict):
        return []
    provider = document.get("provider")
    default_runtime = provider.get("runtime") if isinstance(provider, dict) else None
    service_dir = path.parent
    found: list[Declaration] = []
    for function, declared_in in _functions(document.get("functions"), path, 0):
        handler = function.get("handler")
        if not isinstance(handler, str) or not handler.strip():
            continue  # `image:` functions have no handler
        handler = _self_variables(handler.strip(), document)
        if handler is None:
            continue
        runtime = function.get("runtime", default_runtime)
        runtime = runtime if isinstance(runtime, str) else None
        module = function.get("module")
        code_dir = join(service_dir, module) if isinstance(module, str) and module.strip() else service_dir
        line = function.line_of("handler") if isinstance(function, LineDict) else 0
        found.append(Declaration(handler, code_dir, runtime, declared_in, line, path.name))
    return found


def _functions(block: Any, declared_in: Path, depth: int):
    """(function config, file it is written in) pairs from a `functions` block in any supported form."""
    if isinstance(block, str):
        included = _include(block, declared_in, depth)
        if included is not None:
            yield from _functions(included[0], included[1], depth + 1)
    elif isinstance(block, list):  # a list of mappings (often `${file(...)}` each), merged by the framework
        for item in block:
            yield from _functions(item, declared_in, depth)
    elif isinstance(block, dict):
        for config in block.values():
            if isinstance(config, str):
                included = _include(config, declared_in, depth)
                if included is not None and isinstance(included[0], dict):
                    if "handler" in included[0]:
                        yield included[0], included[1]
                    else:
                        yield from _functions(included[0], included[1], depth + 1)
            elif isinstance(config, dict):
                yield config, declared_in


def _include(reference: str, declared_in: Path, depth: int) -> tuple[Any, Path] | None:
    match = _FILE_REFERENCE.match(reference.strip())
    if match is None or depth >= _MAX_INCLUDE_DEPTH:
        return None
    target = join(declared_in.parent, match.group(1).strip().strip("'\""))
    try:
        text = target.read_text(encoding="utf-8-sig")
        document = load_json(text) if target.suffix == ".json" else load_yaml(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        log.info("lambda-leak: %s: cannot read %s: %s", declared_in, target, error)
        return None
    for key in (match.group(2) or "").split(".") if match.group(2) else ():
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document, target


def _self_variables(text: str, document: dict) -> str | None:
    if "${" not in text:
        return text
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        value: Any = document
        for key in match.group(1).split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, str):
            unresolved = True
            return ""
        return value

    resolved = _SELF_VARIABLE.sub(replace, text)
    return None if unresolved or "${" in resolved else resolved

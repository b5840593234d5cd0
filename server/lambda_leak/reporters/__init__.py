"""Output formats for `lambda-leak check`: text, json, sarif, github, gitlab and junit. Each is
imported when chosen: the command lists the names before it walks, and renders once at the end."""

from __future__ import annotations

import importlib
from typing import Callable, TextIO

from lambda_leak.model import Finding

Reporter = Callable[[list[Finding], TextIO], None]

_MODULES = {"text": "text", "json": "json_format", "sarif": "sarif", "github": "github", "gitlab": "gitlab", "junit": "junit"}
FORMATS = tuple(_MODULES)


def reporter(name: str) -> Reporter:
    """The `render` of format `name` (one of FORMATS)."""
    return importlib.import_module(f"lambda_leak.reporters.{_MODULES[name]}").render


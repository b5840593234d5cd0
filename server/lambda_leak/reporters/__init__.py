"""Output formats for `lambda-leak check`: text, json, sarif, github, gitlab and junit."""

from __future__ import annotations

from typing import Callable, TextIO

from lambda_leak.model import Finding
from lambda_leak.reporters import github, gitlab, json_format, junit, sarif, text

Reporter = Callable[[list[Finding], TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
}

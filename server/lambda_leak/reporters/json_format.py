"""A JSON array of findings: the machine-readable contract (1-based lines and columns)."""

from __future__ import annotations

import json
from typing import TextIO

from lambda_leak.model import Finding


def render(findings: list[Finding], stream: TextIO) -> None:
    json.dump([f.to_dict() for f in findings], stream, indent=2, ensure_ascii=False)
    stream.write("\n")

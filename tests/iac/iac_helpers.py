"""Shared helpers for the IaC discovery tests."""

from __future__ import annotations

from pathlib import Path

from lambda_leak.iac import DeclaredHandler

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "iac"


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """0-based line of the `occurrence`-th line containing `needle` (the expectation comes from the fixture)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def rows(handlers: list[DeclaredHandler], root: Path) -> list[tuple]:
    """Handlers as comparable tuples with paths relative to `root`."""

    def rel(path: Path | None) -> str | None:
        return None if path is None else path.relative_to(root).as_posix()

    return [
        (rel(h.declared_in), h.line, h.origin, h.export_path, h.export_name, h.runtime, rel(h.source_file))
        for h in handlers
    ]

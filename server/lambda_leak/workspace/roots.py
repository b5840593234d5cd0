"""Which folders to read deployment files (SAM, serverless, CDK) from for a set of checked paths.

A folder is read itself, and so is the nearest folder above a checked path that holds a
deployment file (`check src/` in a SAM project still sees `template.yaml` next to `src/`).
The walk up stops at a repository root (`.git`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

DEPLOYMENT_FILES = frozenset(
    {
        "template.yaml", "template.yml", "template.json", "serverless.yml", "serverless.yaml",
        "serverless.json", "cdk.json", "samconfig.toml",
        "main.tf", "sst.config.ts", "sst.config.js", "Pulumi.yaml", "Pulumi.yml",
    }
)
_MAX_LEVELS = 6


def may_declare_handlers(path: str) -> bool:
    """Could a change to this file change the declared handlers? Templates and serverless files
    by name; CDK sources by their imports (a deleted file is judged by name alone)."""
    name = os.path.basename(path).lower()
    if name in DEPLOYMENT_FILES or name.endswith((".yaml", ".yml", ".template", ".tf", ".tfvars")):
        return True
    if name.endswith(".json"):
        return "template" in name or name not in ("package.json", "package-lock.json", "tsconfig.json")
    if name.endswith((".ts", ".js", ".mjs", ".cjs", ".mts", ".py")):
        try:
            with open(path, "rb") as handle:
                data = handle.read(1 << 20)
        except OSError:
            return False
        return any(marker in data for marker in (b"aws-cdk", b"aws_cdk", b"@pulumi/aws", b"pulumi_aws", b"sst.aws.", b"sst/constructs"))
    return False


def _deployment_root(start: Path) -> Path | None:
    folder = start if start.is_dir() else start.parent
    for _ in range(_MAX_LEVELS):
        try:
            names = set(os.listdir(folder))
        except OSError:
            return None
        if names & DEPLOYMENT_FILES:
            return folder
        if ".git" in names or folder.parent == folder:
            return None
        folder = folder.parent
    return None


def deployment_roots(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        path = Path(path).resolve()
        candidates = [path] if path.is_dir() else []
        above = _deployment_root(path)
        if above is not None:
            candidates.append(above)
        for candidate in candidates:
            if not any(candidate == r or r in candidate.parents for r in found):
                found = [r for r in found if candidate not in r.parents] + [candidate]
    return found


def new_discovery():
    """The IaC reader (it caches per file, for repeated discovery in the language server)."""
    try:
        from lambda_leak.iac import HandlerDiscovery
    except ImportError:
        return None
    return HandlerDiscovery()


def declared_handlers(paths: Iterable[Path], discovery=None, readings: dict | None = None) -> list:
    """Every handler the deployment files for `paths` declare (empty if IaC reading is unavailable).
    `readings`: deployment files already read elsewhere (see `candidates`), by name."""
    discovery = discovery or new_discovery()
    if discovery is None:
        return []
    handlers = []
    seen = set()
    for root in deployment_roots(paths):
        try:
            found = discovery.discover(root, readings)
        except Exception as error:  # noqa: BLE001 - a deployment file we cannot read must not stop the check
            log.warning("lambda-leak: reading deployment files under %s failed: %s", root, error)
            continue
        for handler in found:
            identity = (handler.source_file, handler.export_path, handler.declared_in, handler.line)
            if identity not in seen:
                seen.add(identity)
                handlers.append(handler)
    return handlers


def candidates(paths: Iterable[Path], discovery) -> list[tuple[str, Path]]:
    """The files `declared_handlers` reads, each with its deployment root, to be read elsewhere
    (`iac.discovery.read_candidates`, in worker processes)."""
    if discovery is None:
        return []
    found = []
    for root in deployment_roots(paths):
        try:
            found.extend((name, root) for name in discovery.candidates(root))
        except Exception:  # noqa: BLE001 - declared_handlers reports it
            continue
    return found

"""Builds bundled/libs: the lambda-leak server the platform-specific .vsix carries.

lambda-leak is built from this clone as a wheel; its dependencies come as wheels from the package
index (no source builds), installed for the Python running this script. Compiled modules that are
tied to one Python version (tree-sitter's binding, PyYAML's libyaml speedup) are then added for the
other supported versions, from the same release's wheels for this platform, so the bundle runs on
any Python from 3.11 on. `bundled/libs/lambda_leak_bundle.json` records which versions it serves;
the launcher's `--probe` reads it.

Usage: python scripts/bundle_server.py   (from vscode-client/; python 3.11+)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # vscode-client/
LIBS = HERE / "bundled" / "libs"
WHEELS = HERE / "build" / "wheels"
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
# `_binding.cpython-312-x86_64-linux-gnu.so`, `_yaml.cp312-win_amd64.pyd`
VERSIONED = re.compile(r"\.(?:cpython-|cp)(3\d+)[-.].*\.(?:so|pyd)$")


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args], check=True)


def wheel_tags(dist_info: Path) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in (dist_info / "WHEEL").read_text().splitlines() if line.startswith("Tag:")]


def record_files(dist_info: Path) -> list[str]:
    return [line.split(",", 1)[0] for line in (dist_info / "RECORD").read_text().splitlines() if line]


def versioned_distributions() -> list[tuple[str, str, list[str]]]:
    """(name, version, platform tags) of each installed distribution with a version-tied module."""
    found = []
    for dist_info in sorted(LIBS.glob("*.dist-info")):
        if any(VERSIONED.search(name) for name in record_files(dist_info)):
            name, version = dist_info.name[: -len(".dist-info")].rsplit("-", 1)
            platforms = sorted({tag.split("-", 2)[2] for tag in wheel_tags(dist_info)})
            found.append((name, version, platforms))
    return found


def add_python(version: str, name: str, release: str, platforms: list[str]) -> bool:
    """Unpack `name==release`'s version-tied modules for Python `version` into LIBS."""
    dest = WHEELS / f"cp{version.replace('.', '')}"
    platform_args = [arg for platform in platforms for arg in ("--platform", platform)]
    try:
        pip("download", "--no-deps", "--only-binary=:all:", "--python-version", version, "--implementation", "cp",
            *platform_args, "--dest", str(dest), f"{name}=={release}")
    except subprocess.CalledProcessError:
        return False
    wheel = next((w for w in dest.glob("*.whl") if w.name.lower().startswith(name.lower().replace("-", "_") + "-")), None)
    if wheel is None:
        return False
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if VERSIONED.search(m)]
        for member in members:
            target = LIBS / member
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    return bool(members)


def main() -> int:
    if sys.version_info < (3, 11):
        sys.exit("bundle_server.py: run it with Python 3.11 or newer")
    shutil.rmtree(LIBS, ignore_errors=True)
    shutil.rmtree(WHEELS, ignore_errors=True)
    pip("wheel", "--no-deps", "--wheel-dir", str(WHEELS), str(HERE.parent))
    (project_wheel,) = WHEELS.glob("lambda_leak-*.whl")
    pip("install", "--target", str(LIBS), "--only-binary=:all:", "--no-compile", str(project_wheel))
    shutil.rmtree(LIBS / "bin", ignore_errors=True)
    for cache in list(LIBS.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    served = []
    this = f"{sys.version_info.major}.{sys.version_info.minor}"
    tied = versioned_distributions()
    for version in PYTHONS:
        if version == this or all(add_python(version, name, release, platforms) for name, release, platforms in tied):
            served.append(version)
        else:
            print(f"bundle_server.py: no wheels for Python {version} on this platform: the bundle will not serve it")
    manifest = {"pythons": served, "built_with": this, "compiled": [name for name, _, _ in tied]}
    (LIBS / "lambda_leak_bundle.json").write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(f.stat().st_size for f in LIBS.rglob("*") if f.is_file())
    print(f"bundle_server.py: {LIBS} ({size / 1e6:.1f} MB) serves Python {', '.join(served)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

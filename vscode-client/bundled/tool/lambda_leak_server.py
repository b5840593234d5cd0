"""Runs the lambda-leak language server the extension carries (lambdaLeak.importStrategy = useBundled).

`bundled/libs/` next to this folder holds lambda-leak and its dependencies, installed from wheels when
the .vsix was built (`make -C vscode-client bundle`); they go first on sys.path, so whatever the chosen
Python has installed does not matter. `--probe` checks the Python and the bundle without serving:
exit 0 ready, 3 no bundle here, 4 this Python is older than 3.11 or has no build in the bundle.
"""

import os
import sys

MINIMUM = (3, 11)
LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")


def main() -> int:
    if sys.version_info < MINIMUM:
        found = ".".join(map(str, sys.version_info[:3]))
        sys.stderr.write(f"lambda-leak needs Python 3.11 or newer; {sys.executable} is Python {found}\n")
        return 4
    sys.path.insert(0, LIBS)
    if sys.argv[1:] == ["--probe"]:
        return probe()
    from lambda_leak.cli import main as lambda_leak

    return lambda_leak(sys.argv[1:] or ["server"])


def probe() -> int:
    """Is there a bundle, built for this Python? Checked without importing (running) anything."""
    import importlib.util
    import json

    try:
        with open(os.path.join(LIBS, "lambda_leak_bundle.json"), encoding="utf-8") as handle:
            served = json.load(handle)["pythons"]
        found = importlib.util.find_spec("lambda_leak.lsp") is not None
    except (OSError, ValueError, KeyError, ImportError):
        served, found = [], False
    if not found:
        sys.stderr.write(f"the bundled lambda-leak is missing from {LIBS}\n")
        return 3
    this = f"{sys.version_info.major}.{sys.version_info.minor}"
    if this not in served:
        sys.stderr.write(f"the bundled server has no build for Python {this} (it serves {', '.join(served)})\n")
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())

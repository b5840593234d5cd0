import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# CI replays the same generated examples every run (a fixed seed), so a landing never depends on
# luck; local runs keep exploring new ones.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory, monkeypatch):
    """Each test's in-process `check` runs get a fresh result cache, outside the repository (the
    cache's own tests use it on purpose)."""
    import lambda_leak.cache

    monkeypatch.setattr(lambda_leak.cache, "DEFAULT_FOLDER", str(tmp_path_factory.mktemp("cache") / ".lambda-leak-cache"))

"""JsModule's scope tree: each scope's parent is the innermost other scope around it, as a search
of every scope finds it (the module links them in one pass over the sorted list)."""

from pathlib import Path

import pytest

from lambda_leak.javascript import parser
from lambda_leak.javascript.module import JsModule
from lambda_leak.source import SourceText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "javascript"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".js", ".ts", ".mjs", ".tsx"))[::7]


def _innermost_around(scopes, index):
    """The smallest scope before `index` in (start, -end) order that holds scope `index`."""
    scope = scopes[index]
    around = [s for s in scopes[:index] if s.start <= scope.start and scope.end <= s.end]
    return min(around, key=lambda s: s.end - s.start, default=None)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_each_scope_parent_is_the_innermost_scope_around_it(path):
    source = SourceText(str(path), path.read_text(encoding="utf-8"), "typescript" if path.suffix == ".ts" else
                        "tsx" if path.suffix == ".tsx" else "javascript")
    module = JsModule(source, parser.parse(source.data, source.language))
    scopes = module._scope_list
    assert len(scopes) > 1
    for index, scope in enumerate(scopes):
        want = _innermost_around(scopes, index)
        assert (scope.parent.start, scope.parent.end) == (want.start, want.end) if want else scope.parent is None

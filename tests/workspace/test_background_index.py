"""The language server's index built on two cores equals the one built in one process."""

from __future__ import annotations

from pathlib import Path

from lambda_leak.workspace import Workspace, parallel
from lambda_leak.workspace.index import key

LIBRARY = "const {{ send }} = require('./client');\nasync function save{n}(x) {{ return send(x); }}\nmodule.exports = {{ save{n} }};\n"
HANDLER = "const {{ save{n} }} = require('../lib/lib{n}');\nexports.handler = async (event) => {{ save{n}(event); }};\n"


def test_two_cores_give_the_same_summaries_in_the_same_order(tmp_path: Path, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "handlers").mkdir()
    (tmp_path / "lib" / "client.js").write_text("exports.send = async (x) => fetch(x);\n")
    for n in range(90):
        (tmp_path / "lib" / f"lib{n}.js").write_text(LIBRARY.format(n=n))
        (tmp_path / "handlers" / f"h{n}.js").write_text(HANDLER.format(n=n))
    (tmp_path / "handlers" / "broken.js").write_text("exports.handler = async (event => {\n")
    (tmp_path / "handlers" / "binary.js").write_bytes(b"\x00\x01")
    monkeypatch.setattr(parallel.BackgroundSummaries, "CHUNK", 16)
    monkeypatch.setattr(parallel.BackgroundSummaries, "worth_it", staticmethod(lambda count: True))
    started = []
    real_init = parallel.BackgroundSummaries.__init__

    def init(self, paths):
        started.append(len(paths))
        real_init(self, paths)

    monkeypatch.setattr(parallel.BackgroundSummaries, "__init__", init)
    one = Workspace.for_paths([tmp_path])
    two = Workspace.for_paths([tmp_path], two_cores=True)
    assert started == [183]  # the helper ran for the second index only
    assert list(two.summaries.items()) == list(one.summaries.items())
    assert two.summaries[key(tmp_path / "handlers" / "binary.js")] is None
    handler = str(tmp_path / "handlers" / "h7.js")
    assert two.facts_for(handler) == one.facts_for(handler)
    assert two.external_entries(str(tmp_path / "lib" / "lib7.js")) == one.external_entries(str(tmp_path / "lib" / "lib7.js"))


def test_chunks_a_slow_helper_has_not_delivered_are_summarised_here(tmp_path: Path, monkeypatch):
    for n in range(40):
        (tmp_path / f"lib{n}.js").write_text(LIBRARY.format(n=n))
    paths = sorted(key(p) for p in tmp_path.glob("*.js"))
    monkeypatch.setattr(parallel.BackgroundSummaries, "CHUNK", 20)
    monkeypatch.setattr(parallel.BackgroundSummaries, "PATIENCE", 0.0)  # never waits for the helper
    here: list[int] = []

    def summarise_here(chunk):
        here.append(len(chunk))
        return dict(parallel._summaries(chunk))

    found = parallel.BackgroundSummaries(paths).collect(summarise_here)
    assert found == dict(parallel._summaries(paths))
    assert sum(here) >= 20  # at least the chunk the helper was still starting on

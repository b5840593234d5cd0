"""Mutated multi-file projects (imports, re-exports and exports deleted, duplicated, swapped,
cycles): the index and a whole `check` never raise, and the index's language-server updates
never raise either."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import TOKEN, mutate
from tree_helpers import write_tree

from lambda_leak.cli import main
from lambda_leak.workspace import Workspace

FILES = {
    "template.yaml": "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      Handler: app.entry\n      Runtime: nodejs20.x\n",
    "app.js": """
        const { later, save } = require('./lib');
        const util = require('./lib/util.js');
        exports.entry = async (event) => { later(); save(event); util.idle(); return util.wrap(event); };
    """,
    "lib/index.js": "module.exports = { ...require('./util'), save: require('./db.mjs').save };\n",
    "lib/util.js": """
        const { save } = require('./db.mjs');
        exports.later = () => { setTimeout(() => save(1), 1); };
        exports.idle = function () { return new Promise((r) => setImmediate(r)); };
        exports.wrap = (e) => save(e);
        module.exports.self = require('./util');
    """,
    "lib/db.mjs": """
        export * from './db.mjs';
        export { save as store } from '../app.js';
        export async function save(item) { return item; }
        export default class Db { async put() {} }
    """,
    "ts/handler.ts": """
        import Db, { save } from '../lib/db.mjs';
        import { later } from '../lib/index.js';
        const db = new Db();
        export const handler = async (event: unknown): Promise<void> => { db.put(); save(event); later(); };
    """,
}


@st.composite
def mutated_tree(draw):
    files = dict(FILES)
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(sorted(files)))
        files[name] = " ".join(mutate(draw, TOKEN.findall(files[name]), 1))
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files=mutated_tree())
def test_mutated_projects_never_crash_the_check(files, capsys):
    root = Path(tempfile.mkdtemp(prefix="lambda-leak-tree-"))
    try:
        write_tree(root, files)
        code = main(["check", str(root), "--format", "json", "--select", "ALL"])
        captured = capsys.readouterr()
        assert code in (0, 1), captured.err
        assert "internal error" not in captured.err
        json.loads(captured.out)

        workspace = Workspace.for_paths([root])
        for name in sorted(files):
            path = root / name
            workspace.dependents(path)
            workspace.update_file(path)
            workspace.declared_handler_names(str(path))
            workspace.external_entries(str(path))
        workspace.remove_file(root / "lib/util.js")
        workspace.imported_is_async(str(root / "app.js"), "./lib", "later", None)
    finally:
        shutil.rmtree(root, ignore_errors=True)

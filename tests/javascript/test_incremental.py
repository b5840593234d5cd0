"""The language server re-uses the previous version's call graph (javascript/incremental.py):
after every edit its findings must be exactly those of a from-scratch analysis.

Edits go through the server's own `Document` (text and tree edited as on `didChange`) and the
analysis is called as the scheduler calls it, with the previous tree and the document's memo.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import random
import types
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from lambda_leak.config import Config
from lambda_leak.engine import active_rules, analyse_source, finalise, run_rules
from lambda_leak.javascript import carried_nodes, edits, incremental, parser, paths
from lambda_leak.javascript import analyse as js_analyse_module
from lambda_leak.javascript.analyse import analyse as js_analyse
from lambda_leak.javascript.analyse import build_context
from lambda_leak.javascript.incremental import DocumentMemo
from lambda_leak.javascript.module import JsModule
from lambda_leak.lsp.documents import Document
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.hooks import Standalone

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "javascript"


def _bench_file() -> str:
    spec = importlib.util.spec_from_file_location("lsp_latency", ROOT / "bench" / "lsp_latency.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.big_handler(60)


class Editor:
    """One open document, analysed after each change as the scheduler does."""

    def __init__(self, path: str, text: str, config: Config | None = None) -> None:
        self.config = config or Config()
        self.document = Document("file://" + path, path, 1, text)
        self.reused: list[int] = []
        self.carried: list[bool] = []  # the nodes outside the edit carried over (never queried)
        self.carried_parameters: list[int] = []  # functions whose parameter names were carried over
        self.carried_declarations: list[bool] = []  # the module scope's bindings were carried over
        self.reused_promises: list[int] = []
        self.reused_reach: list[int] = []
        self.captured_seeded: list[bool] = []  # `capture` copied the seeded entries, converting only the rest
        self._analyse()

    def _analyse(self):
        previous = self.document.tree.copy() if self.document.tree is not None else None
        memo = DocumentMemo(previous=self.document.call_graph if previous is not None else None)
        if previous is not None and language_for(self.document.path) != "python":
            carried, parameters, declarations = _same_nodes(self.document, previous.copy(), memo.previous)
            self.carried.append(carried)
            self.carried_parameters.append(parameters)
            self.carried_declarations.append(declarations)
            self.captured_seeded.append(_same_capture(self.document, previous.copy(), memo.previous, self.config))
        report = analyse_source(self.document.path, self.document.text, self.config, None, previous, memo)
        self.document.tree = report.syntax_tree
        self.document.call_graph = memo.current
        self.reused.append(memo.reused)
        self.reused_promises.append(memo.reused_promises)
        self.reused_reach.append(memo.reused_reach)
        return report

    def replace(self, start: tuple[int, int], end: tuple[int, int], new_text: str):
        text = self.document.text
        old_text = text[_offset(text, start) : _offset(text, end)]
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(*start), lsp.Position(*end)), text=new_text)
        self.document.apply(change, "utf-16")
        self.document.version += 1
        added = new_text.split("\n")
        new_end = (start[0] + len(added) - 1, (start[1] if len(added) == 1 else 0) + len(added[-1]))
        self.undo = (start, new_end, old_text)
        return self._analyse()

    def replace_line(self, line: int, new_line: str):
        old = self.document.text.split("\n")[line]
        return self.replace((line, 0), (line, len(old)), new_line)


def _offset(text: str, position: tuple[int, int]) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: position[0]]) + position[1]


def _spans(nodes) -> list[tuple[int, int, str]]:
    return [(n.start_byte, n.end_byte, n.type) for n in nodes]


def _same_nodes(document: Document, previous_tree, previous) -> tuple[bool, int, bool]:
    """The module the language server builds from the previous version lists the very nodes a
    fresh parse and query list, in the same order (by start, the outer first between calls that
    start together); returns whether it carried them over, how many functions' parameter names, and
    whether the module scope's bindings."""
    source = SourceText(document.path, document.text, language_for(document.path))
    memo = DocumentMemo(previous=previous)
    module = incremental.parse_module(source, previous_tree, memo)
    expected = JsModule(source, parser.parse(source.data, source.language))
    for kind in ("calls", "news", "functions"):
        got, want = _spans(getattr(module, kind)), _spans(getattr(expected, kind))
        assert got == want, kind
    assert module._call_starts == expected._call_starts and module._new_starts == expected._new_starts
    assert sorted((s.start, s.end, s.kind) for s in module._scope_list) == sorted(
        (s.start, s.end, s.kind) for s in expected._scope_list)
    for scope in module._scope_list:  # a block carried over by place: its node, once read, is the one there
        assert (scope.node.start_byte, scope.node.end_byte, scope.node.type) == (scope.start, scope.end, scope.kind)
    for read, answers in module._per_call.items():  # carried over: each call's answer as this version reads it
        assert {(c.start_byte, c.end_byte): a for c, a in zip(module.calls, answers)} == {
            (c.start_byte, c.end_byte): read(expected, c) for c in expected.calls}, read
    functions = {(f.start_byte, f.end_byte): f for f in expected.functions}
    carried_lines = source.__dict__.get("_line_starts")  # carried over: as the whole text gives them
    if carried_lines is not None:
        assert carried_lines == SourceText(source.path, source.text, source.language)._line_starts
    parameters = dict(module._parameters)  # carried over, before anything asked: as a fresh module reads them
    for function, names in parameters.items():
        assert names == expected.parameters(functions[function.start_byte, function.end_byte])
    declared = module._scopes.get(module.root)  # carried over, before anything asked: as a fresh module reads it
    if declared is not None:
        assert _bindings(declared) == _bindings(expected.module_scope)
    # The call-graph edges, carried over (read lazily when every function kept its index) or not: as a
    # fresh module computes them, for every call, whether asked before or not.
    fresh_calls = {(c.start_byte, c.end_byte, c.type): c for c in expected.calls + expected.news}
    for call in module.calls + module.news:
        twin = fresh_calls[call.start_byte, call.end_byte, call.type]
        assert _spans(module.functions_called(call)) == _spans(expected.functions_called(twin))
        assert _spans(module.passed_functions(call)) == _spans(expected.passed_functions(twin))
    for start, reached in module._reach_memo.items():  # carried over: as a fresh module reaches
        want = paths._reach(expected, functions[start.start_byte, start.end_byte])
        assert sorted(_spans(reached)) == sorted(_spans(want))
    if memo.reuse is not None:  # every node the memo maps is this version's node at the mapped place
        nodes = module.calls + module.news
        for index, moved in enumerate(memo.reuse.calls):
            if moved is not None:
                start, end = previous.call_starts[index] if index < len(previous.call_starts) else \
                    previous.new_starts[index - len(previous.call_starts)], previous.call_ends[index]
                shift = memo.reuse.edited[1] - memo.reuse.unit[1] if memo.reuse.edited is not None else 0
                assert nodes[moved].start_byte in (start, start + shift)
                assert nodes[moved].end_byte in (end, end + shift)
    # the method names and callback_api_leak's candidates
    carried = memo.carried > 0 and len(module._per_call) >= 2 and carried_lines is not None
    return carried, len(parameters), declared is not None


def _bindings(declared) -> list[tuple]:
    return [(name, b.kind, b.node and (b.node.start_byte, b.node.end_byte, b.node.type), b.module, b.imported,
             b.constructor) for name, b in declared.items()]


def _graph(graph) -> tuple:
    """A captured call graph's answers (which functions decided a promise answer: a set)."""
    promises = {call: (made, sorted(depends)) for call, (made, depends) in graph.promises.items()}
    return graph.called, graph.passed, promises, graph.reached


def _same_capture(document: Document, previous_tree, previous, config: Config) -> bool:
    """The call graph an analysis leaves for the next version is the same whether `capture` copies
    the seeded entries or converts every entry of the memos; returns whether it copied them."""
    source = SourceText(document.path, document.text, language_for(document.path))
    context = build_context(source, config, None, previous_tree, DocumentMemo(previous=previous))
    run_rules(active_rules("javascript", config), context, [])
    copied = incremental.capture(context.module, context.promises)
    seeded, context.module._incremental_seeded = context.module._incremental_seeded, None
    converted = incremental.capture(context.module, context.promises)
    if copied is not None or converted is not None:
        assert _graph(copied) == _graph(converted)
    return seeded is not None and "promises" in seeded.counts


def fresh(path: str, text: str, config: Config | None = None):
    return analyse_source(path, text, config or Config())


def _same(incremental, path, text, config=None):
    expected = fresh(path, text, config)
    assert (incremental.error, incremental.findings) == (expected.error, expected.findings)


SNIPPETS = [
    "  notify(event);",
    "  await notify(event);",
    "  setTimeout(() => flush(event), 10);",
    "  const pending = save(event);",
    "  items.forEach(async (item) => { await save(item); });",
    "  return save(event);",
    "  }",
    "  {",
    "  if (event.retry) { send(event); }",
    "  context.callbackWaitsForEmptyEventLoop = false;",
    "  db.query('select 1', (err, rows) => { done(rows); });",
    "  helper(event).then(() => log(event));",
    "async function notify(e) { return fetch(e.url); }",
    "function notify(e) { console.log(e); }",
    "const save = async (x) => x;",
    "",
]


def _mutate(rng: random.Random, line: str) -> str:
    choice = rng.randrange(6)
    if choice == 0 and "await " in line:
        return line.replace("await ", "", 1)
    if choice == 1 and "async " in line:
        return line.replace("async ", "", 1)
    if choice == 2 and "(" in line:
        return line.replace("(", "(await ", 1) if "await" not in line else line + " // edited"
    if choice == 3:
        return line[: rng.randrange(len(line) + 1)]
    if choice == 4:
        return line + rng.choice([";", " ", "x", ")"])
    return rng.choice(SNIPPETS)


def _random_edits(editor: Editor, rng: random.Random, steps: int) -> None:
    for _ in range(steps):
        text = editor.document.text
        lines = text.split("\n")
        line = rng.randrange(len(lines))
        kind = rng.randrange(4)
        if kind == 0:  # change one line
            report = editor.replace_line(line, _mutate(rng, lines[line]))
        elif kind == 1:  # insert a line
            report = editor.replace((line, 0), (line, 0), rng.choice(SNIPPETS) + "\n")
        elif kind == 2 and line + 1 < len(lines):  # delete a line
            report = editor.replace((line, 0), (line + 1, 0), "")
        else:  # type or delete a few characters inside a line
            column = rng.randrange(len(lines[line]) + 1)
            if rng.random() < 0.5 and column < len(lines[line]):
                report = editor.replace((line, column), (line, min(len(lines[line]), column + rng.randrange(1, 4))), "")
            else:
                report = editor.replace((line, column), (line, column), rng.choice(["a", " ", "(", ")", "await ", ";"]))
        _same(report, editor.document.path, editor.document.text, editor.config)
        if report.error:  # the user fixes the typo (the broken version was analysed, and compared, first)
            report = editor.replace(*editor.undo)
            assert editor.document.text == text
            _same(report, editor.document.path, editor.document.text, editor.config)


FIXTURE_FILES = sorted(
    p for p in FIXTURES.rglob("*") if p.suffix in (".js", ".ts", ".mjs", ".tsx") and ".fixed." not in p.name
)


@pytest.mark.parametrize("seed", range(3))
def test_random_line_edits_of_the_bench_file_keep_fresh_findings(seed):
    rng = random.Random(seed)
    editor = Editor("/tmp/project/handlers/big.js", _bench_file())
    _random_edits(editor, rng, 25)
    assert sum(1 for n in editor.reused if n) >= 5  # the call graph was really re-used, not recomputed
    assert sum(1 for n in editor.reused_promises if n) >= 5  # and the promise answers
    assert sum(1 for n in editor.reused_reach if n) >= 5  # and the functions each handler reaches
    assert sum(editor.captured_seeded) >= 5  # and `capture` copied what was seeded
    assert sum(editor.carried) >= 5  # and the nodes outside the edit
    assert sum(1 for n in editor.carried_parameters if n >= 50) >= 5  # and their functions' parameter names
    assert sum(editor.carried_declarations) >= 5  # and the module scope's bindings


@pytest.mark.parametrize("seed", range(2))
def test_random_line_edits_of_fixtures_keep_fresh_findings(seed):
    rng = random.Random(100 + seed)
    picked = rng.sample(FIXTURE_FILES, 24)
    reused = carried = 0
    for path in picked:
        editor = Editor(str(path), path.read_text(encoding="utf-8"))
        _random_edits(editor, rng, 6)
        reused += sum(1 for n in editor.reused if n)
        carried += sum(editor.carried)
    assert reused >= 10 and carried >= 10


def test_random_edits_with_every_rule_and_scope_all():
    rng = random.Random(7)
    config = Config(select=("ALL",), scope="all")
    for path in rng.sample(FIXTURE_FILES, 10):
        editor = Editor(str(path), path.read_text(encoding="utf-8"), config)
        _random_edits(editor, rng, 5)


HANDLER = """\
async function save(item) {
  return fetch(item.url);
}

function audit(item) {
  console.log(item);
}

exports.handler = async (event) => {
  for (const item of event.items) {
    audit(item);
  }
  return { ok: true };
};
"""


def _rules_at(report) -> list[tuple[str, int]]:
    return [(f.rule, f.range.start.line) for f in report.findings]


def _edit(editor: Editor, line: int, text: str) -> list[tuple[str, int]]:
    """Replace a line, check the findings against a fresh analysis, return them (rule, line)."""
    report = editor.replace_line(line, text)
    _same(report, editor.document.path, editor.document.text, editor.config)
    return _rules_at(report)


def test_a_new_call_in_the_handler_puts_its_callee_on_the_path():
    editor = Editor("/tmp/p/h.js", HANDLER)
    report = editor.replace_line(10, "    audit(item); save(item);")
    assert ("floating-promise", 10) in _rules_at(report)
    _same(report, "/tmp/p/h.js", editor.document.text)


def test_editing_a_callee_changes_the_callers_finding():
    source = HANDLER.replace("    audit(item);", "    save(item);")
    editor = Editor("/tmp/p/h.js", source)
    assert ("floating-promise", 10) in _rules_at(fresh("/tmp/p/h.js", source))
    report = editor.replace_line(0, "function save(item) {")  # no longer async ...
    assert ("floating-promise", 10) in _rules_at(report)  # ... but still returns fetch(): a promise
    report = editor.replace_line(1, "  console.log(item.url);")  # now it makes no promise at all
    assert ("floating-promise", 10) not in _rules_at(report)
    _same(report, "/tmp/p/h.js", editor.document.text)
    assert editor.reused[-1] > 0  # the edit inside `save` left the handler's edges to re-use


def test_renaming_a_top_level_function():
    editor = Editor("/tmp/p/h.js", HANDLER.replace("    audit(item);", "    save(item);"))
    assert ("floating-promise", 10) not in _edit(editor, 0, "async function store(item) {")  # `save` is unknown now
    assert ("floating-promise", 10) in _edit(editor, 10, "    store(item);")


def test_adding_an_import():
    source = HANDLER.replace("    audit(item);", "    client.send(item);")
    editor = Editor("/tmp/p/h.js", source)
    assert ("floating-promise", 10) not in _rules_at(editor._analyse())
    report = editor.replace((0, 0), (0, 0), "const { S3Client } = require('@aws-sdk/client-s3');\nconst client = new S3Client({});\n")
    assert ("floating-promise", 12) in _rules_at(report)  # an SDK v3 `send` makes a promise
    _same(report, "/tmp/p/h.js", editor.document.text)


DECLARED = """\
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
const save = async (item) => {
  return db.send(item);
};
function audit(item) {
  console.log(item);
}

exports.handler = async (event) => {
  audit(event);
  return { ok: true };
};
"""


def test_the_module_scope_is_carried_over_edits_inside_functions_and_read_again_after_a_declaration():
    editor = Editor("/tmp/p/d.js", DECLARED)
    assert ("floating-promise", 11) in _edit(editor, 11, "  save(event);")
    _edit(editor, 3, "  await db.send(item); return 1;")  # inside `save`, whose binding's node holds the edit
    assert ("floating-promise", 11) not in _edit(editor, 11, "  audit(event);")
    assert editor.carried_declarations[-3:] == [True, True, True]
    assert ("floating-promise", 11) in _edit(editor, 5, "async function audit(item) {")  # a declaration: read afresh
    assert ("floating-promise", 11) not in _edit(editor, 5, "async function audited(item) {")  # a rename
    assert ("floating-promise", 11) in _edit(editor, 11, "  audited(event);")  # carried again, with the new name
    assert editor.carried_declarations[-1]
    _edit(editor, 1, "const db = { send: async (x) => x };")  # a new function in a declaration
    assert ("floating-promise", 11) in _edit(editor, 11, "  db.send(event);")


def test_a_method_edit_reading_this_is_never_taken_from_the_memo():
    source = """\
class Repo {
  async save(item) { return fetch(item); }
  run(item) { this.save(item); }
}
const repo = new Repo();
exports.handler = async (event) => {
  repo.run(event);
  return 1;
};
"""
    editor = Editor("/tmp/p/r.js", source)
    report = editor.replace_line(2, "  run(item) { this.save(item); this.save(item); }")
    assert editor.reused[-1] == 0
    _same(report, "/tmp/p/r.js", editor.document.text)


def test_a_syntax_error_falls_back_to_a_fresh_analysis():
    editor = Editor("/tmp/p/h.js", HANDLER)
    _edit(editor, 10, "    audit(item;")
    assert editor.reused[-1] == 0
    _edit(editor, 10, "    audit(item);")


def test_broken_text_reports_the_error_a_fresh_parse_reports():
    """Re-parsing from the old tree can recover from an error differently than a fresh parse
    (`a(sync (event) =>` here): the editor must say what `check` says."""
    text = "\n".join([
        'async function save(item) {',
        '  return fetch(item.url);',
        '}',
        '',
        'function audit(item) {',
        '  console.log(item);',
        '}',
        '',
        'function relay(item) {',
        '  audit(item);',
        '}',
        '',
        'class Foo { constructor(x) { save(x); } }',
        'function again(x) { again(x); return save(x); }',
        'const obj = { run(x) { return save(x); } };',
        '',
        'exports.handler = async (event) => {',
        '  for (const item of event.items) {',
        '    audit(item);',
        '  }',
        '  if (event.a) {',
        '    relay(event);',
        '  }',
        '  return { ok: true };',
        '};',
    ]) + "\n"
    editor = Editor("/tmp/p/h.js", text)
    report = editor.replace((16, 19), (16, 19), "(")
    assert editor.document.text.split("\n")[16].startswith("exports.handler = a(sync")
    expected = fresh("/tmp/p/h.js", editor.document.text)
    assert report.error == expected.error and _rules_at(report) == _rules_at(expected)


def test_editing_a_jsdoc_comment_changes_what_the_function_returns():
    source = """\
/** @returns {Promise<void>} */
function save(item) {
  return queue.add(item);
}

exports.handler = async (event) => {
  save(event);
  return 1;
};
"""
    editor = Editor("/tmp/p/j.js", source)
    assert ("floating-promise", 6) in _rules_at(fresh("/tmp/p/j.js", source))
    assert ("floating-promise", 6) not in _edit(editor, 0, "/** @returns {number} */")
    assert ("floating-promise", 6) in _edit(editor, 0, "/** @returns {Promise<number>} */")


def test_a_changed_promise_functions_setting_is_never_answered_from_the_memo():
    source = HANDLER.replace("    audit(item);", "    queue.add(item);")
    editor = Editor("/tmp/p/h.js", source)
    editor.config = Config(promise_functions=("queue.add",))
    report = editor.replace_line(12, "  return { ok: true, n: 1 };")
    assert editor.reused[-1] > 0 and editor.reused_promises[-1] == 0
    assert ("floating-promise", 10) in _rules_at(report)
    _same(report, "/tmp/p/h.js", editor.document.text, editor.config)


def test_a_call_answered_by_the_project_is_asked_again():
    """Answers that read the workspace (imports of the project, callees awaited in other files)
    are never kept: the project may have changed between two versions of this document."""

    class Project:
        def __init__(self):
            self.is_async = False

        def __getattr__(self, name):
            return getattr(Standalone(), name)

        def imported_is_async(self, path, specifier, imported, member):
            return self.is_async

    project = Project()
    source = "const { save } = require('./store');\n" + HANDLER.replace("    audit(item);", "    audit(item); save(item);").replace(
        "async function save(item) {\n  return fetch(item.url);\n}\n", "")
    path = "/tmp/p/h.js"
    document = Document("file://" + path, path, 1, source)
    memo = DocumentMemo()
    report = analyse_source(path, source, Config(), project, None, memo)
    document.tree, document.call_graph = report.syntax_tree, memo.current
    assert not any(f.rule == "floating-promise" for f in report.findings)
    project.is_async = True  # store.js changed on disk
    change = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(lsp.Position(9, 0), lsp.Position(9, 0)), text="    audit(item);\n")
    document.apply(change, "utf-16")
    memo = DocumentMemo(previous=document.call_graph)
    report = analyse_source(path, document.text, Config(), project, document.tree.copy(), memo)
    assert memo.reused > 0 and memo.reused_promises > 0  # the memo was used, but not for `save(item)`
    assert any(f.rule == "floating-promise" for f in report.findings)
    assert report.findings == analyse_source(path, document.text, Config(), project).findings


# A fixture as the random edits left it (the property test found the case): `s3.putObject(p).promise()`
# is two calls starting at the same byte (tree-sitter lists them in either order; `module._by_start` puts the outer first).
EDITED_MAKERS = """\
const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");
const AWS = require("aws-sdk");
const fsp = require("fs/promises");
const util = require("util");
const zlib = require("zlib");
const axios = require("axios");

const client = new DynamoDBClient({});
function notify(e) { console.log(e); }
con
const gzip = util.promisify(zlib.gzip);
const api = axios.create({ baseURL: "https://example.com" });

async function audit(entry) {
  const pending = save(event);
  await fsp.appendFile("/tmp/audit.log", entry);
}

  setTimeout(() => flush(event), 10);
exports.handler = async (event) => {
  client.send(new PutItemCommand({ TableName: "t", Item: {} })); // expect: floating-promise
  s3.putObject({ Bucket: "b", Key: "k", Body: "x" }).promise(); // expect: floating-promise
  return save(event);
  gzip("data"); // expect: floating-promise
  api.get("/ping"); // expect: floating-promise
  audit("called"); // expect: floating-promise
  setTimeout(() => flush(event), 10);
  fetch("https://example.com").catch(() => {}); // expect: floating-promise
  void fetch("https://example.com/metrics"); // expect: floating-promise
  const pending = fetch("https://example.com/never"); // expect: floating-promise
  Promise.all([audit("a"), audit("b")]); // expect: floating-promise
  return { statusCode: 200 };
};
"""


@pytest.mark.parametrize("round", range(6))
def test_calls_that_start_together_keep_their_own_answers(round):
    config = Config(select=("ALL",), scope="all")
    path = str(FIXTURES / "floating-promise" / "bad_promise_makers.js")
    editor = Editor(path, EDITED_MAKERS, config)
    report = editor.replace((17, 0), (17, 0), "  items.forEach(async (item) => { await save(item); });\n")
    _same(report, path, editor.document.text, config)


def test_the_same_text_again_carries_every_node_over():
    """A re-analysis without an edit (a settings change): every node is carried over, none queried."""
    editor = Editor("/tmp/project/handlers/big.js", _bench_file())
    report = editor._analyse()
    assert editor.carried[-1] and editor.reused[-1] > 0
    _same(report, editor.document.path, editor.document.text)


def test_a_node_that_is_not_where_the_edit_says_stops_the_carrying():
    """`_carried` refuses a node that ends inside the edited statements without starting there, or
    starts there and ends after them (the parse then lists every node itself)."""
    edit = edits.Edit((10, 20), (10, 20), 0)
    with pytest.raises(carried_nodes.Misaligned):
        carried_nodes._carried(None, edit, [0, 30], [15, 40], None, "call_expression", [])
    with pytest.raises(carried_nodes.Misaligned):
        carried_nodes._carried(None, edit, [12, 30], [25, 40], None, "call_expression", [])
    find = parser.parse(b"f(); g();", "javascript").root_node.descendant_for_byte_range
    after = edits.Edit((0, 0), (0, 0), 0)
    assert [n.type for n in carried_nodes._carried(find, after, [0, 5], [3, 8], None, "call_expression", [])[0]] == [
        "call_expression", "call_expression"]
    with pytest.raises(carried_nodes.Misaligned):  # two nodes of one kind over the same bytes
        carried_nodes._carried(find, after, [0, 0], [3, 3], None, "call_expression", [])
    with pytest.raises(carried_nodes.Misaligned):  # no node of that kind there
        carried_nodes._carried(find, after, [0], [4], None, "call_expression", [])


def _handler_edit(editor: Editor) -> tuple[int, str, str]:
    """A line of the bench handler that awaits a step, and the same step left floating."""
    lines = editor.document.text.split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("  results.push(await step3("))
    return number, lines[number], "  step3(event);"


def test_blocks_outside_an_edit_are_found_only_when_read():
    """The blocks an edit leaves alone are placed, not looked up: most edits read one of them."""
    editor = Editor("/tmp/project/handlers/big.js", _bench_file())
    number, line, floating = _handler_edit(editor)
    previous = editor.document.call_graph
    editor.document.apply(lsp.TextDocumentContentChangePartial(
        range=lsp.Range(lsp.Position(number, 0), lsp.Position(number, len(line))), text=floating), "utf-16")
    source = SourceText(editor.document.path, editor.document.text, "javascript")
    module = incremental.parse_module(source, editor.document.tree.copy(), DocumentMemo(previous=previous))
    blocks = [s for s in module._scope_list if s.kind == "statement_block"]
    handler_block = max(blocks, key=lambda s: s.end - s.start)  # around the edit: its names were read
    assert len(blocks) == 121 and [s for s in blocks if s._node is not None] == [handler_block]
    helper_block = blocks[0]
    assert helper_block.node.type == "statement_block" and helper_block.node.byte_range == (
        helper_block.start, helper_block.end)
    assert sum(s._node is not None for s in blocks) == 2


def _misplaced(editor: Editor, place) -> tuple[Document, DocumentMemo, int, int]:
    """The bench handler's edit applied to the document, and a memo whose previous version says that
    one block (picked by `place(graph, text)`, which returns its index and its new place) is
    elsewhere; with the edited line and where that block is said to start."""
    number, line, floating = _handler_edit(editor)
    graph, text = editor.document.call_graph, editor.document.text
    index, (start, end) = place(graph, text.encode())
    starts, ends = list(graph.scope_starts), list(graph.scope_ends)
    starts[index], ends[index] = start, end
    assert starts == sorted(starts)
    document = editor.document
    document.apply(lsp.TextDocumentContentChangePartial(
        range=lsp.Range(lsp.Position(number, 0), lsp.Position(number, len(line))), text=floating), "utf-16")
    return document, DocumentMemo(previous=dataclasses.replace(graph, scope_starts=starts, scope_ends=ends)), number, start


def _object_in_first_helper(graph, data: bytes):
    """The first helper's block, said to be the object literal in it (`{ id: …, value: 0 }`): its
    bytes open and close as a block's do, but no block is there."""
    opening = data.index(b"{ id:")
    return 0, (opening, data.index(b" };", opening) + 2)


def test_a_block_whose_bytes_are_not_a_block_stops_the_carrying(caplog):
    """A placed block that does not start with "{" (said to start a byte late): nothing is carried,
    before the analysis starts."""
    def later(graph, data):
        widest = max(range(len(graph.scope_starts)), key=lambda i: graph.scope_ends[i] - graph.scope_starts[i])
        return widest, (graph.scope_starts[widest] + 1, graph.scope_ends[widest])

    document, memo, number, _ = _misplaced(Editor("/tmp/project/handlers/big.js", _bench_file()), later)
    with caplog.at_level(logging.DEBUG, logger="lambda_leak.javascript"):
        report = analyse_source(document.path, document.text, Config(), None, document.tree.copy(), memo)
    assert memo.carried == 0 and "nodes not carried over" in caplog.text and "analysed afresh" not in caplog.text
    assert any(f.rule == "floating-promise" and f.range.start.line == number for f in report.findings)
    _same(report, document.path, document.text)


def test_a_block_a_rule_finds_out_of_place_analyses_afresh(caplog):
    """`_align` rules it out, but should a rule read a placed block that is not there (its error
    kept by `run_rules`), the analysis starts again from a fresh parse, and the findings are a
    from-scratch analysis' (not the first attempt's, which lost that rule's)."""
    document, memo, number, start = _misplaced(Editor("/tmp/project/handlers/big.js", _bench_file()),
                                               _object_in_first_helper)
    modules = []

    def read_the_block(context):
        modules.append(context.module)
        for scope in context.module._scope_list:
            if scope.start == start and scope.kind == "statement_block":
                scope.node
        return []

    probe = types.SimpleNamespace(RULE=types.SimpleNamespace(id="probe"), check=read_the_block)
    rules = [probe, *active_rules("javascript", Config())]
    source = SourceText(document.path, document.text, "javascript")
    with caplog.at_level(logging.DEBUG, logger="lambda_leak.javascript.analyse"):
        result = js_analyse(source, Config(), rules, Standalone(), document.tree.copy(), memo)
    assert "analysed afresh" in caplog.text and result.syntax_error is None
    assert len(modules) == 2 and memo.carried == 0 and memo.current is not None
    assert any(f.rule == "floating-promise" and f.range.start.line == number for f in result.findings)
    assert finalise(result.findings, document.text, Config(), document.path) == fresh(document.path, document.text).findings


def test_a_block_read_out_of_place_before_the_rules_analyses_afresh(caplog, monkeypatch):
    """The same when what reads the block raises out of the analysis (here, handler discovery)."""
    document, memo, number, start = _misplaced(Editor("/tmp/project/handlers/big.js", _bench_file()),
                                               _object_in_first_helper)
    discover = js_analyse_module.discover

    def reading_the_block(module, *args):
        for scope in module._scope_list:
            if scope.start == start and scope.kind == "statement_block":
                scope.node
        return discover(module, *args)

    monkeypatch.setattr(js_analyse_module, "discover", reading_the_block)
    with caplog.at_level(logging.DEBUG, logger="lambda_leak.javascript.analyse"):
        report = analyse_source(document.path, document.text, Config(), None, document.tree.copy(), memo)
    assert "analysed afresh" in caplog.text and "Misaligned" in caplog.text and memo.carried == 0
    assert any(f.rule == "floating-promise" and f.range.start.line == number for f in report.findings)
    _same(report, document.path, document.text)


def test_the_first_version_that_parses_again_starts_from_the_last_good_one():
    """Typing a statement breaks the text for a few keystrokes (a graph of broken text is never
    re-used): the version that parses again is aligned with the last error-free one, whose tree the
    document kept editing, instead of being analysed from scratch. Every version: as `check` finds."""
    path = "/tmp/project/handlers/big.js"
    document = Document("file://" + path, path, 1, _bench_file())
    number = next(i for i, line in enumerate(document.text.split("\n")) if line.startswith("  results.push(await step3("))

    def analyse():
        previous, graph = document.previous_analysis()
        memo = DocumentMemo(previous=graph)
        report = analyse_source(path, document.text, Config(), None, previous, memo)
        document.analysed(report.syntax_tree)
        if not report.syntax_tree.root_node.has_error:
            document.call_graph = memo.current  # as the scheduler captures after publishing
        _same(report, path, document.text)
        return report, memo

    analyse()
    typed, seen = "", []
    for character in "notify(event); ":
        where = lsp.Position(number, 2 + len(typed))
        document.apply(lsp.TextDocumentContentChangePartial(range=lsp.Range(where, where), text=character), "utf-16")
        typed += character
        report, memo = analyse()
        seen.append((typed, report.error is not None, memo.carried > 0))
    assert [broken for _, broken, _ in seen] == [False] * 6 + [True] * 7 + [False] * 2  # "notify(" to "notify(event)"
    assert [carried for _, broken, carried in seen if not broken] == [True] * 8
    assert document.good_tree is None and document.good_graph is None


SHADOWED = """\
async function save(item) {
  return item;
}

function record(event) {
  save(event);
}

exports.handler = async (event) => {
  save(event);
  if (event.retry) {
    save(event.retry);
  }
  record(event);
  return 1;
};
"""


def test_a_name_declared_in_a_block_carries_what_lies_outside_it():
    """A declaration read only inside its block (`JsModule.scope`): the block's statements are
    analysed again and the rest carried over. Here it shadows the async `save` for the handler's
    calls, nested block included, so their floating promises go, and come back when it is deleted;
    the helper's call, outside that block, keeps its edge to the async `save`."""
    editor = Editor("/tmp/project/handlers/shadow.js", SHADOWED)
    floating = [f.range.start.line for f in editor._analyse().findings if f.rule == "floating-promise"]
    assert floating == [5, 9, 11]
    report = editor.replace((9, 0), (9, 0), "  const save = () => 1;\n")
    assert [f.range.start.line for f in report.findings if f.rule == "floating-promise"] == [5] and editor.carried[-1]
    report = editor.replace((9, 0), (10, 0), "")
    assert [f.range.start.line for f in report.findings if f.rule == "floating-promise"] == floating
    assert editor.carried[-1]
    editor.replace((8, 0), (8, 0), "const log = () => 1;\n")  # at the top level: every name may change
    assert not editor.carried[-1]


IN_A_CLASS = """\
class Repo {
  save(item) {
    notify(item);
  }
}

class Service {
  init() {
    return 0;
  }

  async run(event) {
    this.repo.save(event);
    return 1;
  }
}

async function notify(event) {
  return event;
}

const service = new Service();
exports.handler = async (event) => service.run(event);
"""


def test_an_edit_in_a_method_carries_what_lies_outside_it_unless_it_reads_this():
    """A class's fields are typed by `this.x = …` anywhere in it (`JsModule.class_fields`), and calls
    in other methods read them: statements of a method that read no `this` leave every field as it
    was, and the rest is carried over; typing `repo` in `init` makes `run`'s `this.repo.save(…)`
    reach `Repo.save`, whose floating `notify` only a fresh reading of `run` finds."""
    editor = Editor("/tmp/project/handlers/service.js", IN_A_CLASS)
    assert [f for f in editor._analyse().findings if f.rule == "floating-promise"] == []
    report = editor.replace((13, 0), (13, 0), "    notify(event);\n")
    assert editor.reused[-1] > 0 and [f.range.start.line for f in report.findings if f.rule == "floating-promise"] == [13]
    report = editor.replace((8, 0), (8, 0), "    this.repo = new Repo();\n")
    assert editor.reused[-1] == 0
    assert [f.range.start.line for f in report.findings if f.rule == "floating-promise"] == [2, 14]


def test_the_statements_touching_an_edit_are_those_a_scan_of_the_block_finds():
    source = SourceText("/tmp/p/t.js", "// head\n" + _bench_file() + "\n/* tail */\n", "javascript")
    tree = parser.parse(source.data, source.language)
    blocks = [tree.root_node, *(n for n in JsModule(source, tree)._scope_list if n.kind == "statement_block")]
    rng = random.Random(3)
    for block in [blocks[0], blocks[1], blocks[-1], *rng.sample(blocks, 10)]:
        block = block if isinstance(block, type(tree.root_node)) else block.node
        low, high = block.start_byte, block.end_byte
        children = block.named_children
        for _ in range(15):
            start = rng.randrange(low, high + 1)
            end = min(high, start + rng.choice([0, 1, 5, 40, 400]))
            want = [c for c in children if c.start_byte <= end and c.end_byte >= start]
            assert edits._touching(block, start, end) == want

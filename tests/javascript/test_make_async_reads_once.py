"""`Add await` inside a non-async helper makes the helper async only if every caller awaits it and
no call is handed it by name. Those are read from the whole file once per analysis, not once per
fix: a file of many such helpers made each analysis quadratic (400 helpers: 10.8 s, now 0.18 s)."""

from __future__ import annotations

import sys

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.fixes.javascript import make_async
from lambda_leak.javascript.module import JsModule


def _helpers(count: int, passed: int) -> str:
    lines = ["const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
             "const db = new DynamoDBClient({});"]
    for i in range(count):
        lines += [f"function step{i}(event) {{",
                  f"  db.send(new PutItemCommand({{ TableName: 'T{i}', Item: {{ id: event.id }} }}));",
                  "  return event.id;", "}"]
    lines += ["exports.handler = async (event) => {"]
    lines += [f"  await step{i}(event);" for i in range(count)]
    lines += [f"  [event].forEach(step{passed});", "};", ""]  # one helper is handed on by name
    return "\n".join(lines)


def test_each_helper_is_judged_and_the_file_is_read_once(monkeypatch):
    walks = []
    descendants = make_async.descendants
    monkeypatch.setattr(make_async, "descendants", lambda *a: walks.append(a) or descendants(*a))
    asked_for_callers = []  # calls whose callees the fix asked, to list each function's callers
    functions_called = JsModule.functions_called

    def counted(module, call):
        if sys._getframe(1).f_code.co_name == "_callers":
            asked_for_callers.append(call)
        return functions_called(module, call)

    monkeypatch.setattr(JsModule, "functions_called", counted)
    text = _helpers(30, passed=7)
    findings = analyse_source("/tmp/helpers.js", text, Config(select=frozenset({"floating-promise"}))).findings
    assert len(findings) == 30
    made_async = {f.range.start.line for f in findings
                  if any(e.new_text == "async " for fix in f.fixes for e in fix.edits)}
    helper_of = lambda line: (line - 2) // 4  # noqa: E731 - each helper is 4 lines after 2 of imports
    assert {helper_of(line) for line in made_async} == set(range(30)) - {7}  # step7 is handed to forEach
    assert len(walks) == 1
    assert len(asked_for_callers) == len(set(asked_for_callers)) == 30 * 2 + 2  # each call once (`new`s aside)

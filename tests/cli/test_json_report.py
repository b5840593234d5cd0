"""`--format json` is `json.dumps(indent=2, ensure_ascii=False)` of the findings, byte for byte,
though it is built without the `json` module's (slow) indenting encoder."""

from __future__ import annotations

import io
import json

from lambda_leak.model import Finding, Fix, Position, Range, Severity, TextEdit
from lambda_leak.reporters import json_format


def test_the_report_is_the_json_modules_indented_output():
    tricky = 'quote " backslash \\ tab \t newline \n nul \x00 bell \x07 é ✓ 🚀 lone \ud800 \u2028'
    span = Range(Position(0, 0), Position(2, 5))
    findings = [
        Finding("floating-promise", tricky, span, Severity.WARNING,
                (Fix("Add await", True, (TextEdit(span, "await "),)), Fix("", False, ()))),
        Finding("timer-leak", "", span, Severity.ERROR, path="src/ü.js"),
    ]
    out = io.StringIO()
    json_format.render(findings, out)
    assert out.getvalue() == json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def test_values_of_every_json_type():
    value = [{}, [], {"a": []}, [{}], 0, -7, 1.5, float("inf"), True, False, None, "", {"k": {"n": [1, [2, {}]]}},
             {"t": (1, "x", [2])}, {"keys": {1: "int", 2.5: "float", None: "none"}}]
    assert json_format._indented(value, "") == json.dumps(value, indent=2, ensure_ascii=False)
    assert json_format._indented([], "") == "[]"

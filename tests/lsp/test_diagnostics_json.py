"""A push client is sent diagnostics built directly as JSON (`to_diagnostic_json`); they must be
exactly what pygls' converter makes of the protocol objects that pull requests answer with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.protocol.json_rpc import JsonRPCNotification

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.lsp.diagnostics import DiagnosticsStore, to_diagnostic, to_diagnostic_json
from lambda_leak.lsp.positions import split_lines
from lambda_leak.lsp.server import create_server
from lambda_leak.model import Finding, Position, Range, Severity
from lambda_leak.rules import DOCS_URL

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _reports():
    """Findings with fixes, of every rule, in both languages, plus a non-ASCII line."""
    paths = sorted(FIXTURES.glob("javascript/*/bad_*.*")) + sorted(FIXTURES.glob("python/*/bad_*.py"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        report = analyse_source(str(path), text, Config())
        if report.findings:
            yield text, report.findings
    text = "exports.handler = async () => {\n  const ü = '😀'; fetch(ü);\n};\n"
    yield text, [Finding("floating-promise", "`fetch(ü)` 😀", Range(Position(1, 21), Position(1, 29)), Severity.INFO),
                 Finding("no-such-rule", "out of range", Range(Position(0, 0), Position(9, 99)), Severity.ERROR)]


class _Sink:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)


def _body(data: bytes) -> dict:
    return json.loads(data.split(b"\r\n\r\n", 1)[1])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_json_diagnostics_are_what_the_converter_makes_of_the_objects(encoding):
    server = create_server()
    converter = server.protocol._converter
    checked = 0
    for text, findings in _reports():
        lines = split_lines(text)
        for finding in findings:
            expected = converter.unstructure(to_diagnostic(finding, lines, encoding, 7))
            assert to_diagnostic_json(finding, lines, encoding, 7) == expected
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("version", [3, None])
def test_a_published_message_is_the_one_pygls_would_send(version):
    server = create_server()
    sink = _Sink()
    server.protocol.set_writer(sink)
    text, findings = next(_reports())
    entry = DiagnosticsStore().put("file:///h.js", version, text, split_lines(text), findings, "utf-16")
    server.protocol.publish_diagnostics("file:///h.js", version, entry.payload)
    server.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri="file:///h.js", diagnostics=entry.diagnostics, version=version))
    ours, theirs = sink.sent
    assert _body(ours) == _body(theirs)
    assert _body(ours) == json.loads(json.dumps(JsonRPCNotification(
        method=lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, jsonrpc="2.0",
        params=lsp.PublishDiagnosticsParams(uri="file:///h.js", diagnostics=entry.diagnostics, version=version)),
        default=server.protocol._serialize_message))


def test_the_first_javascript_diagnostics_import_no_python_rule():
    """`rule_info` imports the one rule asked: the server's first diagnostics of a JavaScript file
    no longer wait for every rule module, astroid among them (~0.1 s)."""
    probe = (
        "import sys\n"
        "from lambda_leak.config import Config\n"
        "from lambda_leak.engine import analyse_source\n"
        "from lambda_leak.lsp.diagnostics import DiagnosticsStore\n"
        "text = 'exports.handler = async () => { save(); };\\nasync function save() {}\\n'\n"
        "report = analyse_source('/tmp/h.js', text, Config())\n"
        "entry = DiagnosticsStore().put('file:///tmp/h.js', 1, text, text.split('\\n'), report.findings, 'utf-16')\n"
        "print([d['code'] for d in entry.payload], [d['codeDescription']['href'] for d in entry.payload],\n"
        "      sorted(m for m in sys.modules if m.startswith(('astroid', 'lambda_leak.rules.python'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['floating-promise'] ['" + DOCS_URL.format(id="floating-promise") + "'] []"

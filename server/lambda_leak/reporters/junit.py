"""JUnit XML for any CI that shows test reports (GitLab, Jenkins, Azure Pipelines, CircleCI):
one test case per checked file, one failure per leak in it; clean files pass."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from lambda_leak.model import Finding
from lambda_leak.rules import DOCS_URL

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def render(findings: list[Finding], stream: TextIO, *, checked: list[str] = ()) -> None:
    by_file: dict[str, list[Finding]] = {path: [] for path in checked}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    failed = sum(1 for found in by_file.values() if found)
    counts = {"tests": str(len(by_file)), "failures": str(failed), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "lambda-leak", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "lambda-leak", **counts})
    for path, found in by_file.items():
        case = ET.SubElement(suite, "testcase", {"classname": "lambda-leak", "name": _xml_text(path), "file": _xml_text(path)})
        for f in found:
            line, column = f.range.start.line + 1, f.range.start.column + 1
            failure = ET.SubElement(
                case, "failure", {"type": f.rule, "message": _xml_text(f"line {line}, column {column}: {f.rule}: {f.message}")}
            )
            where = f"{path}:{line}:{column}"
            failure.text = _xml_text(f"{where}: {f.rule} ({f.severity.value}) {f.message}\n{DOCS_URL.format(id=f.rule)}")
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")

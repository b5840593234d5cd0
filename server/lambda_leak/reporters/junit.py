"""JUnit XML for any CI that shows test reports (GitLab, Jenkins, Azure Pipelines, CircleCI):
one test case per checked file, one failure per leak in it; clean files pass. A file that could
not be analysed (binary, not UTF-8, too large, a syntax error) is skipped, not an error: the run's
exit code does not count it, so neither should the CI's verdict; its leaks found anyway stay
failures, and then the reason goes to the test case's system-err."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from lambda_leak.model import FileProblem, Finding
from lambda_leak.rules import DOCS_URL

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def render(findings: list[Finding], stream: TextIO, *, checked: list[str] = (),
           problems: list[FileProblem] = ()) -> None:
    by_file: dict[str, list[Finding]] = {path: [] for path in checked}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    reasons: dict[str, list[str]] = {}
    for problem in problems:
        by_file.setdefault(problem.path, [])
        reasons.setdefault(problem.path, []).append(problem.message)
    failed = sum(1 for found in by_file.values() if found)
    skipped = sum(1 for path, found in by_file.items() if path in reasons and not found)
    counts = {"tests": str(len(by_file)), "failures": str(failed), "errors": "0", "skipped": str(skipped)}
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
        if path in reasons:
            why = "; ".join(reasons[path])
            if found:
                ET.SubElement(case, "system-err").text = _xml_text(f"{path}: {why}")
            else:
                ET.SubElement(case, "skipped", {"message": _xml_text(f"{path}: {why}")})
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")

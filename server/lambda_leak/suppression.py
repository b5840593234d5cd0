"""`lambda-leak-ignore` comments: on a finding's line or the line above, or file-wide."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lambda_leak.model import Finding

_DIRECTIVE = re.compile(
    r"(?://|/\*|#)\s*lambda-leak-ignore(?P<file>-file)?(?:\s*:\s*(?P<rules>[\w\-]+(?:\s*,\s*[\w\-]+)*))?"
)
_ALL = frozenset({"*"})


@dataclass(frozen=True)
class Suppressions:
    whole_file: frozenset[str]  # rule ids, or {"*"}
    by_line: dict[int, frozenset[str]]

    def silences(self, finding: Finding) -> bool:
        def covers(rules: frozenset[str]) -> bool:
            return rules == _ALL or finding.rule in rules

        if covers(self.whole_file):
            return True
        line = finding.range.start.line
        return any(covers(self.by_line.get(n, frozenset())) for n in (line, line - 1))


def scan(text: str) -> Suppressions:
    if "lambda-leak-ignore" not in text:  # the common case costs one substring search
        return Suppressions(frozenset(), {})
    whole: set[str] = set()
    by_line: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.split("\n")):
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        rules = frozenset(r.strip() for r in match.group("rules").split(",")) if match.group("rules") else _ALL
        if match.group("file"):
            whole |= rules
        else:
            by_line[number] = rules
    return Suppressions(_ALL if "*" in whole else frozenset(whole), by_line)


def comment_for(language: str, rule: str) -> str:
    marker = "#" if language == "python" else "//"
    return f"{marker} lambda-leak-ignore: {rule}"

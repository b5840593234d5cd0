"""Applying fixes: edits to text, and the fix-until-stable loop behind `check --fix`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Iterable

from lambda_leak.config import Config
from lambda_leak.engine import _ANALYSERS, analyse_source
from lambda_leak.model import FileReport, Fix, TextEdit
from lambda_leak.rules import RULE_FAMILY
from lambda_leak.source import language_for

MAX_PASSES = 10


class OverlappingEdits(ValueError):
    pass


def _offsets(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits whose positions refer to `text`."""
    starts = _offsets(text)

    def index(position) -> int:
        if position.line >= len(starts):
            return len(text)
        line_end = starts[position.line + 1] - 1 if position.line + 1 < len(starts) else len(text)
        return min(starts[position.line] + position.column, line_end)

    spans = sorted(((index(e.range.start), index(e.range.end), e.new_text) for e in edits), reverse=True)
    previous_start = len(text) + 1
    for start, end, new_text in spans:
        if end > previous_start:
            raise OverlappingEdits("fix edits overlap")
        text = text[:start] + new_text + text[end:]
        previous_start = start
    return text


def syntax_ok(path: str, text: str) -> bool:
    language = language_for(path)
    if language is None:
        return False
    analyser = importlib.import_module(_ANALYSERS[RULE_FAMILY[language]])
    return analyser.syntax_ok(text, language)


def wanted(fix: Fix, unsafe: bool) -> bool:
    return fix.safe or unsafe


@dataclass
class FixOutcome:
    text: str
    applied: list[tuple[str, Fix]] = field(default_factory=list)  # (rule, fix)
    report: FileReport | None = None  # the findings left after fixing


def fix_source(path: str, text: str, config: Config, unsafe: bool = False, workspace: Any = None) -> FixOutcome:
    """Apply fixes until none is left (at most MAX_PASSES), never keeping text that does not parse."""
    outcome = FixOutcome(text)
    rejected: set[tuple[str, str, str]] = set()  # fixes that broke the parse: never retried
    original_ok = syntax_ok(path, text)
    for _ in range(MAX_PASSES):
        report = analyse_source(path, outcome.text, config, workspace)
        outcome.report = report
        candidates = [
            (f.rule, fix)
            for f in report.findings
            for fix in f.fixes[:1]  # the first fix is the preferred one
            if wanted(fix, unsafe) and (f.rule, fix.title, repr(fix.edits)) not in rejected
        ]
        if not candidates:
            break
        chosen, used = [], []
        for rule, fix in candidates:  # greedily take fixes whose edits do not overlap taken ones
            trial = used + list(fix.edits)
            try:
                apply_edits(outcome.text, trial)
            except OverlappingEdits:
                continue
            used, chosen = trial, chosen + [(rule, fix)]
        new_text = apply_edits(outcome.text, used)
        if original_ok and not syntax_ok(path, new_text):
            # Find the culprit one fix at a time; keep the ones that parse.
            new_text = outcome.text
            kept = []
            for rule, fix in chosen:
                attempt = apply_edits(outcome.text, fix.edits)
                if syntax_ok(path, attempt):
                    new_text, kept = attempt, [(rule, fix)]
                    break
                rejected.add((rule, fix.title, repr(fix.edits)))
            chosen = kept
        if new_text == outcome.text:
            if not chosen:
                continue
            break
        outcome.text = new_text
        outcome.applied.extend(chosen)
    else:
        outcome.report = analyse_source(path, outcome.text, config, workspace)
    return outcome

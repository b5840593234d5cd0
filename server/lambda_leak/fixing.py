"""Applying fixes: edits to text, and the fix-until-stable loop behind `check --fix`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Iterable

from lambda_leak.config import Config
from lambda_leak.engine import _ANALYSERS, analyse_source
from lambda_leak.model import FileReport, Finding, Fix, TextEdit
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


def preferred_fix(finding: Finding, unsafe: bool) -> Fix | None:
    """The one fix a fix-everything run applies for a finding: the first one allowed (fixes come
    best first; without `unsafe`, the first safe one)."""
    return next((fix for fix in finding.fixes if wanted(fix, unsafe)), None)


def _fix_key(rule: str, fix: Fix) -> tuple[str, str, str]:
    """How a fix that broke the parse is remembered (never retried)."""
    return rule, fix.title, repr(fix.edits)


@dataclass
class FixOutcome:
    text: str
    applied: list[tuple[str, Fix]] = field(default_factory=list)  # (rule, fix)
    report: FileReport | None = None  # the findings left after fixing
    refused: str | None = None  # why nothing was fixed (the text did not parse before)


def choose_fixes(path: str, text: str, findings: Iterable[Finding], unsafe: bool,
                 rejected: set | None = None) -> tuple[str, list[tuple[str, Fix]]]:
    """One pass of THE fix policy, shared by `check --fix` and the editor's Fix All: each
    finding's preferred fix, in finding order, skipping fixes whose edits overlap one already
    taken; if the result does not parse, only the first fix that keeps it parsing (the others
    wait for the next pass). Fixes that broke the parse are added to `rejected`."""
    rejected = set() if rejected is None else rejected
    candidates = []
    for finding in findings:
        fix = preferred_fix(finding, unsafe)
        if fix is not None and _fix_key(finding.rule, fix) not in rejected:
            candidates.append((finding.rule, fix))
    chosen, used = [], []
    for rule, fix in candidates:  # greedily take fixes whose edits do not overlap taken ones
        trial = used + list(fix.edits)
        try:
            apply_edits(text, trial)
        except OverlappingEdits:
            continue
        used, chosen = trial, chosen + [(rule, fix)]
    new_text = apply_edits(text, used)
    if chosen and not syntax_ok(path, new_text):
        # Find the culprit one fix at a time; keep the first that parses.
        new_text, kept = text, []
        for rule, fix in chosen:
            attempt = apply_edits(text, fix.edits)
            if syntax_ok(path, attempt):
                new_text, kept = attempt, [(rule, fix)]
                break
            rejected.add(_fix_key(rule, fix))
        chosen = kept
    return new_text, chosen


def fix_source(path: str, text: str, config: Config, unsafe: bool = False, workspace: Any = None,
               first_report: FileReport | None = None) -> FixOutcome:
    """Apply fixes until none is left (at most MAX_PASSES), never keeping text that does not
    parse, and never touching text that did not parse before. `first_report`: the analysis of
    `text` already at hand (the editor's), used for the first pass."""
    outcome = FixOutcome(text)
    if not syntax_ok(path, text):
        outcome.report = first_report or analyse_source(path, text, config, workspace)
        if any(preferred_fix(f, unsafe) for f in outcome.report.findings):
            outcome.refused = "not fixed: the file has a syntax error; fix that first"
        return outcome
    rejected: set[tuple[str, str, str]] = set()  # fixes that broke the parse: never retried
    report = first_report
    for _ in range(MAX_PASSES):
        outcome.report = report = report or analyse_source(path, outcome.text, config, workspace)
        new_text, chosen = choose_fixes(path, outcome.text, report.findings, unsafe, rejected)
        if new_text == outcome.text:
            left = [f for f in report.findings if (fix := preferred_fix(f, unsafe)) is not None
                    and _fix_key(f.rule, fix) not in rejected]
            if chosen or not left:
                break
            continue  # every fix tried broke the parse: try the ones they overlapped
        outcome.text, report = new_text, None
        outcome.applied.extend(chosen)
    else:
        outcome.report = analyse_source(path, outcome.text, config, workspace)
    return outcome

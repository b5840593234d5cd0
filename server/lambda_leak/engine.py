"""The one analysis engine behind the CLI and the language server.

`analyse_source` turns a file's text into findings (with their fixes): it picks the
language analyser, runs the enabled rules, then applies suppressions and severities.
It never raises on bad input: problems become `FileReport.error`.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass, replace
from typing import Any, Iterable

from lambda_leak.config import Config
from lambda_leak.model import FileReport, Finding
from lambda_leak.rules import RULE_FAMILY, enabled, rule_modules
from lambda_leak.source import SourceText, language_for
from lambda_leak import suppression
from lambda_leak.workspace.hooks import AnalysisHooks, Standalone

log = logging.getLogger(__name__)

_ANALYSERS = {"javascript": "lambda_leak.javascript.analyse", "python": "lambda_leak.python.analyse"}


@dataclass
class LanguageResult:
    """What a language analyser returns to the engine."""

    findings: list[Finding]
    syntax_error: str | None = None
    tree: Any = None


def active_rules(family: str, config: Config) -> list:
    return [m for m in rule_modules(family) if enabled(m.RULE, config.select, config.ignore)]


def run_rules(rules: Iterable, context: Any, errors: list[str]) -> list[Finding]:
    """Run each rule on a prepared context; a rule that crashes costs its own findings only."""
    findings: list[Finding] = []
    for module in rules:
        try:
            findings.extend(module.check(context))
        except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
            log.debug("rule %s crashed:\n%s", module.RULE.id, traceback.format_exc())
            errors.append(f"internal error in rule {module.RULE.id}: {type(error).__name__}: {error}")
    return findings


def analyse_source(
    path: str,
    text: str,
    config: Config,
    workspace: AnalysisHooks | None = None,
    previous_tree: Any = None,
    memo: Any = None,
) -> FileReport:
    """`workspace`: the files around this one (None: the file on its own). `previous_tree` and
    `memo` (a `javascript.incremental.DocumentMemo`) carry an open document's previous version."""
    language = language_for(path)
    report = FileReport(path=path, language=language)
    if language is None:
        report.error = "not a JavaScript, TypeScript or Python file"
        return report
    if "\x00" in text[:8192]:
        report.error = "binary file, skipped"
        return report
    family = RULE_FAMILY[language]
    rules = active_rules(family, config)
    source = SourceText(path, text, language)
    try:
        analyser = importlib.import_module(_ANALYSERS[family])
        hooks = workspace if workspace is not None else Standalone()
        if memo is not None and family == "javascript":
            result: LanguageResult = analyser.analyse(source, config, rules, hooks, previous_tree, memo)
        else:
            result = analyser.analyse(source, config, rules, hooks, previous_tree)
    except Exception as error:  # noqa: BLE001 - the run goes on with the next file
        log.debug("analysis of %s crashed:\n%s", path, traceback.format_exc())
        report.error = f"internal error: {type(error).__name__}: {error}"
        return report
    report.syntax_tree = result.tree
    report.error = result.syntax_error
    report.findings = finalise(result.findings, text, config, path)
    return report


def finalise(findings: list[Finding], text: str, config: Config, path: str) -> list[Finding]:
    """Drop suppressed findings, apply configured severities, stamp the path, sort, dedupe."""
    silenced = suppression.scan(text)
    kept = []
    for finding in findings:
        if silenced.silences(finding):
            continue
        severity = finding.severity if finding.runtime_severity else config.severity.get(finding.rule, finding.severity)
        kept.append(replace(finding, severity=severity, path=path))
    # A total order, then one finding per rule and range: the same list whatever order the analysis
    # found them in (the editor's incremental path and `check` may list findings that start together,
    # which broken syntax can nest, in their own orders).
    kept.sort(key=lambda f: (f.range.start, f.rule, f.range.end, f.message))
    seen = set()
    out = []
    for finding in kept:
        key = (finding.rule, finding.range)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out

"""Code actions: the fixes carried in each diagnostic's data, "Ignore <rule> on this line",
and `source.fixAll.lambda-leak` (what `check --fix` would do to the file).

Quick fixes are never recomputed: edits come from the diagnostics store's entry for the
document version the client is looking at, and each `WorkspaceEdit` names that version. Fix
All starts from that entry's findings too; only when fixes overlap does it analyse again (the
fixed text), exactly as `check --fix` does.
"""

from __future__ import annotations

import logging
from typing import Callable

from lsprotocol import types as lsp

from lambda_leak.lsp.diagnostics import SOURCE, Entry
from lambda_leak.lsp.documents import Document
from lambda_leak.lsp.positions import to_lsp_range
from lambda_leak.model import Finding, Fix, Position, Range, TextEdit
from lambda_leak.source import language_for
from lambda_leak.suppression import comment_for

log = logging.getLogger(__name__)

FIX_ALL = "source.fixAll.lambda-leak"
KINDS = [lsp.CodeActionKind.QuickFix, FIX_ALL]


def wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(f"{o}.") for o in only)


def fix_title(fix: Fix) -> str:
    return fix.title if fix.safe else f"{fix.title} (unsafe: review the change)"


def _fixes(diagnostic: lsp.Diagnostic) -> tuple[int | None, list[Fix]]:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    fixes = []
    for raw in data.get("fixes") or []:
        try:
            fixes.append(Fix.from_dict(raw))
        except (KeyError, TypeError, ValueError):
            log.debug("ignoring malformed fix data: %r", raw)
    version = data.get("version")
    return (version if isinstance(version, int) else None), fixes


class CodeActions:
    def __init__(self, supports_document_changes: bool, encoding: str,
                 fix_text: Callable[[str, str, list[Finding]], tuple[str, str | None]] | None = None,
                 disabled_support: bool = False) -> None:
        self.document_changes = supports_document_changes
        self.encoding = encoding
        self.fix_text = fix_text  # (path, text, findings) -> (the fixed text, why nothing was fixed)
        self.disabled_support = disabled_support

    def workspace_edit(self, document: Document, version: int | None, lines: list[str], edits: list[TextEdit]) -> lsp.WorkspaceEdit:
        newline = document.newline
        lsp_edits = [
            lsp.TextEdit(range=to_lsp_range(lines, e.range, self.encoding), new_text=e.new_text.replace("\n", newline) if newline != "\n" else e.new_text)
            for e in edits
        ]
        if self.document_changes:
            identifier = lsp.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=version)
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=identifier, edits=lsp_edits)])
        return lsp.WorkspaceEdit(changes={document.uri: lsp_edits})

    def actions(self, document: Document, entry: Entry | None, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        only = params.context.only
        actions: list[lsp.CodeAction] = []
        current = entry is not None and entry.version == document.version
        if wanted(lsp.CodeActionKind.QuickFix, only) and current:
            for diagnostic in params.context.diagnostics:
                if diagnostic.source == SOURCE:
                    actions += self._quickfixes(document, entry, diagnostic)
        if wanted(FIX_ALL, only) and current:
            fix_all = self.fix_all(document, entry)
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    def _quickfixes(self, document: Document, entry: Entry, diagnostic: lsp.Diagnostic) -> list[lsp.CodeAction]:
        version, fixes = _fixes(diagnostic)
        if version != entry.version:
            return []  # computed for another version of the text: the client will ask again
        actions = [
            lsp.CodeAction(
                title=fix_title(fix),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix.safe and index == 0,
                edit=self.workspace_edit(document, version, entry.lines, list(fix.edits)),
            )
            for index, fix in enumerate(fixes)
        ]
        rule = str(diagnostic.code)
        line = diagnostic.range.start.line
        if 0 <= line < len(entry.lines):
            text = entry.lines[line]
            indent = text[: len(text) - len(text.lstrip(" \t"))]
            language = language_for(document.path) or "javascript"
            comment = f"{indent}{comment_for(language, rule)}\n"
            edit = TextEdit(Range(Position(line, 0), Position(line, 0)), comment)
            actions.append(lsp.CodeAction(
                title=f"Ignore {rule} on this line",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=self.workspace_edit(document, version, entry.lines, [edit]),
            ))
        return actions

    def fix_all(self, document: Document, entry: Entry) -> lsp.CodeAction | None:
        """`check --fix`'s result for this text (the same `fix_source`, starting from the findings
        at hand), as one edit. With nothing safe to fix but unsafe fixes left, a disabled action
        whose reason says so, for clients that show it."""
        if self.fix_text is None:
            return None
        text = entry.text.replace("\r\n", "\n")  # as `check` reads it; positions stay the same
        fixed, outcome_note = self.fix_text(document.path, text, entry.findings)
        if fixed != text:
            return lsp.CodeAction(
                title="Fix all safe lambda-leak issues",
                kind=FIX_ALL,
                edit=self.workspace_edit(document, entry.version, entry.lines, [_one_edit(text, fixed)]),
            )
        unsafe_only = sum(1 for f in entry.findings if f.fixes and not any(fix.safe for fix in f.fixes))
        reason = outcome_note or (
            f"{unsafe_only} leak{'s have' if unsafe_only != 1 else ' has'} only unsafe fixes: use the quick fix on each"
            if unsafe_only else None
        )
        if reason is None or not self.disabled_support:
            return None
        return lsp.CodeAction(title="Fix all safe lambda-leak issues", kind=FIX_ALL, disabled=lsp.CodeActionDisabled(reason=reason))


def _one_edit(before: str, after: str) -> TextEdit:
    """The smallest single edit that turns `before` into `after`."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return TextEdit(Range(_position(before, prefix), _position(before, len(before) - suffix)), after[prefix:len(after) - suffix])


def _position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset)
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1))

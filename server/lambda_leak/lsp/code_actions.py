"""Code actions: the fixes carried in each diagnostic's data, "Ignore <rule> on this line",
and `source.fixAll.lambda-leak` (every safe fix in the file).

Nothing is re-analysed here: edits come from the diagnostics store's entry for the document
version the client is looking at, and each `WorkspaceEdit` names that version.
"""

from __future__ import annotations

import logging

from lsprotocol import types as lsp

from lambda_leak.fixing import OverlappingEdits, apply_edits, syntax_ok
from lambda_leak.lsp.diagnostics import SOURCE, Entry
from lambda_leak.lsp.documents import Document
from lambda_leak.lsp.positions import to_lsp_range
from lambda_leak.model import Fix, Position, Range, TextEdit
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
    def __init__(self, supports_document_changes: bool, encoding: str) -> None:
        self.document_changes = supports_document_changes
        self.encoding = encoding

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
        """Every finding's first safe fix whose edits do not overlap one already taken; if the
        result would not parse, only the fixes that keep it parsing."""
        chosen: list[Fix] = []
        edits: list[TextEdit] = []
        for finding in entry.findings:
            fix = next((f for f in finding.fixes if f.safe), None)
            if fix is None:
                continue
            try:
                apply_edits(entry.text, edits + list(fix.edits))
            except OverlappingEdits:
                continue
            chosen.append(fix)
            edits += fix.edits
        if not chosen:
            return None
        if syntax_ok(document.path, entry.text) and not syntax_ok(document.path, apply_edits(entry.text, edits)):
            edits = []
            for fix in chosen:
                trial = edits + list(fix.edits)
                if syntax_ok(document.path, apply_edits(entry.text, trial)):
                    edits = trial
            if not edits:
                return None
        return lsp.CodeAction(
            title="Fix all safe lambda-leak issues",
            kind=FIX_ALL,
            edit=self.workspace_edit(document, entry.version, entry.lines, edits),
        )


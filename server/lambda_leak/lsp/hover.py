"""Hover over a finding: why it leaks on Lambda and how to fix it, from the rule's doc.

The docs (`docs/rules/<id>.md`) ship inside the package as `lambda_leak/rule_docs/`.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from lambda_leak.lsp.diagnostics import Entry
from lambda_leak.lsp.positions import from_lsp_position, to_lsp_range
from lambda_leak.rule_pages import doc_sections, rule_doc
from lambda_leak.rules import rule_info

_SECTIONS = ("Why it leaks on Lambda", "Fix")


def _section(sections: dict[str, str], title: str) -> str | None:
    return next((body for name, body in sections.items() if name.lower().startswith(title.lower())), None)


def hover_text(rule: str) -> str:
    """The rule's explanation. Not the finding's message: editors already show the diagnostic's
    message in the same hover (VS Code) or beside the line, and twice is noise."""
    info = rule_info(rule)
    parts = [f"**{rule}** (lambda-leak): {info.summary}" if info else f"**{rule}** (lambda-leak)"]
    doc = rule_doc(rule)
    if doc:
        sections = doc_sections(doc)
        for title in _SECTIONS:
            body = _section(sections, title)
            if body:
                parts.append(f"**{title}**\n\n{body}")
    if info:
        parts.append(f"[Rule documentation]({info.docs_url})")
    return "\n\n".join(parts)


def hover(entry: Entry | None, lines: list[str], position: lsp.Position, encoding: str) -> lsp.Hover | None:
    if entry is None:
        return None
    point = from_lsp_position(lines, position, encoding)
    texts = []
    first = None
    for finding in entry.findings:
        if finding.range.start <= point <= finding.range.end:
            text = hover_text(finding.rule)
            if text not in texts:  # two findings of one rule here: one explanation
                texts.append(text)
            first = first or finding
    if first is None:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(texts)),
        range=to_lsp_range(entry.lines, first.range, encoding),
    )

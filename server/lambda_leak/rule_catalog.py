"""The rule catalogue as users read it — the README's rule table and each doc page's header
line — rendered from `RuleInfo`, the one place rule metadata lives. A rule id served by
several languages (timer-leak) is one entry."""

from __future__ import annotations

from dataclasses import dataclass

from lambda_leak.model import Severity
from lambda_leak.rules import FixInfo, RuleInfo, all_rules

_SHORT = {"JavaScript": "JS", "TypeScript": "TS"}


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    languages: tuple[str, ...]
    severity: Severity
    default_enabled: bool
    fixes: tuple[tuple[str, FixInfo], ...]  # (language family, fix), without repeats
    severity_note: str = ""

    def header(self) -> str:
        """The line under a doc page's title."""
        label = "Languages" if len(self.languages) > 1 else "Language"
        parts = [f"**{label}:** {', '.join(self.languages)}", f"**Severity:** {self.severity.value}{self.severity_note and '; ' + self.severity_note}"]
        if not self.default_enabled:
            parts.append(f"**Default:** off (enable with `--select {self.id}`)")
        fixes = ", ".join(f'"{fix.title}" ({self._safety(family, fix)})' for family, fix in self.fixes)
        parts.append(f"**Fix:** {fixes or 'none'}")
        return " · ".join(parts)

    def table_languages(self) -> str:
        """`JS/TS`, `Python`, `JS/TS, Python`: the README table's language column."""
        short = [_SHORT.get(language, language) for language in self.languages]
        if "JS" in short and "TS" in short:
            short[short.index("JS")] = "JS/TS"
            short.remove("TS")
        return ", ".join(short)

    def table_fixes(self) -> str:
        """The README table's fix column."""
        titles = dict.fromkeys(f"{fix.title} ({self._safety(family, fix)})" for family, fix in self.fixes)
        return "; ".join(titles) or "—"

    def _safety(self, family: str, fix: FixInfo) -> str:
        safety = "safe" if fix.safe else "unsafe"
        where = self._family_name(family) if len({f for f, _ in self.fixes}) < self._families() else ""
        note = " ".join(part for part in (where, fix.note) if part)
        return f"{safety}; {note}" if note else safety

    def _families(self) -> int:
        return len({rule.family for rule in all_rules() if rule.id == self.id})

    @staticmethod
    def _family_name(family: str) -> str:
        return {"javascript": "JavaScript", "python": "Python"}.get(family, family)


def catalog() -> dict[str, CatalogEntry]:
    """Rule id -> its entry, in registry order."""
    grouped: dict[str, list[RuleInfo]] = {}
    for rule in all_rules():
        grouped.setdefault(rule.id, []).append(rule)
    entries = {}
    for rule_id, rules in grouped.items():
        languages = tuple(dict.fromkeys(language for rule in rules for language in rule.languages))
        fixes = tuple(dict.fromkeys((rule.family, fix) for rule in rules for fix in rule.fixes))
        severity = rules[0].severity
        entries[rule_id] = CatalogEntry(rule_id, languages, severity, any(r.default_enabled for r in rules), fixes,
                                       rules[0].severity_note)
    return entries

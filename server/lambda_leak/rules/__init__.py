"""The rule registry.

A rule is one module under `rules/<language>/`, named like its id (`floating_promise.py` is
`floating-promise`), that defines `RULE: RuleInfo` and `check(context) -> Iterable[Finding]`.
Its documentation is `docs/rules/<id>.md`; its fixtures are `tests/fixtures/<language>/<id>/`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from lambda_leak.model import Severity

DOCS_URL = "https://github.com/lambda-leak/lambda-leak/blob/main/docs/rules/{id}.md"

# Which rule folder serves each dialect the engine parses.
RULE_FAMILY = {"javascript": "javascript", "typescript": "javascript", "tsx": "javascript", "python": "python"}


# The languages each rule folder reads, as users name them.
FAMILY_LANGUAGES = {"javascript": ("JavaScript", "TypeScript"), "python": ("Python",)}


@dataclass(frozen=True)
class FixInfo:
    """A fix a rule offers: its title (as editors show it) and whether it is safe. `note`: when
    the safety differs case by case, or where the fix applies (shown in the docs)."""

    title: str
    safe: bool
    note: str = ""


@dataclass(frozen=True)
class RuleInfo:
    id: str
    family: str  # "javascript" (JS, TS, TSX) or "python"
    summary: str  # one line: what the rule finds
    severity: Severity = Severity.WARNING
    default_enabled: bool = True
    fixes: tuple[FixInfo, ...] = ()  # what its findings may offer; the README and docs follow it
    severity_note: str = ""  # when the severity can differ (e.g. by runtime), as the docs say it

    @property
    def docs_url(self) -> str:
        return DOCS_URL.format(id=self.id)

    @property
    def languages(self) -> tuple[str, ...]:
        return FAMILY_LANGUAGES.get(self.family, ())


@lru_cache(maxsize=None)
def rule_modules(family: str) -> tuple[ModuleType, ...]:
    package = importlib.import_module(f"lambda_leak.rules.{family}")
    modules = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "RULE") and hasattr(module, "check"):
            modules.append(module)
    return tuple(modules)


@lru_cache(maxsize=None)
def all_rules() -> tuple[RuleInfo, ...]:
    return tuple(module.RULE for family in sorted(set(RULE_FAMILY.values())) for module in rule_modules(family))


# Named groups of rules, accepted wherever rule ids are (`--select node24`, `select = ["node24"]`).
PRESETS: dict[str, frozenset[str]] = {
    # What the Node.js 24 runtime removed: callback handlers (by declared arity), context.succeed/
    # fail/done and callbackWaitsForEmptyEventLoop. `check --select node24 --fix` migrates.
    "node24": frozenset({"callback-handler", "mixed-handler", "deprecated-context-method", "no-wait-for-empty-event-loop"}),
}


def expand_presets(rules: frozenset[str]) -> frozenset[str]:
    expanded = set()
    for rule in rules:
        expanded |= PRESETS.get(rule, {rule})
    return frozenset(expanded)


def all_rule_ids() -> frozenset[str]:
    return frozenset(rule.id for rule in all_rules())


def rule_info(rule_id: str, family: str | None = None) -> RuleInfo | None:
    """The rule `rule_id` (of `family`, or the first family that has it). A rule's module is named
    like its id, so only that module is imported: the language server asks this for the first
    diagnostic it sends, where importing every rule (astroid with the Python ones) took ~0.1 s."""
    for name in [family] if family else sorted(set(RULE_FAMILY.values())):
        try:
            module = importlib.import_module(f"lambda_leak.rules.{name}.{rule_id.replace('-', '_')}")
        except ImportError:  # no such rule there (or not a module name at all)
            continue
        rule = getattr(module, "RULE", None)
        if isinstance(rule, RuleInfo) and rule.id == rule_id:
            return rule
    return None


def enabled(rule: RuleInfo, select: frozenset[str] | None, ignore: frozenset[str]) -> bool:
    if rule.id in ignore:
        return False
    if select is None:
        return rule.default_enabled
    return "ALL" in select or rule.id in select

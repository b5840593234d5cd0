"""Each rule's documentation page (`docs/rules/<id>.md`), read from the package.

The pages ship inside the package as `lambda_leak/rule_docs/`: the language server's hover and
the SARIF report's rule help both read them from here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@lru_cache(maxsize=64)
def rule_doc(rule: str) -> str | None:
    if not re.fullmatch(r"[a-z0-9-]+", rule):
        return None
    try:
        return (resources.files("lambda_leak") / "rule_docs" / f"{rule}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, OSError):
        return None


def doc_sections(text: str) -> dict[str, str]:
    """`## Heading` -> body, for every second-level section of a rule doc."""
    matches = list(_HEADING.finditer(text))
    sections = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections[match.group(1)] = text[match.end():end].strip()
    return sections

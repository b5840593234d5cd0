"""The fixture convention shared by every rule, in every language.

`tests/fixtures/<language>/<rule-id>/`:
- `bad_*.{js,ts,tsx,mjs,py}`: each line where a finding must start carries `expect: <rule-id>`
  in a comment (`// expect: floating-promise`, `# expect: thread-leak`); no other finding of
  that rule may appear.
- `good_*.*`: clean code; the rule must stay silent.
- `<name>.fixed.<ext>` beside a bad file: the text after applying that rule's fixes (unsafe
  ones too) until stable.
Only the rule under test runs on its fixtures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECT = re.compile(r"expect:\s*([\w\-]+(?:\s*,\s*[\w\-]+)*)")
SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py")


@dataclass(frozen=True)
class Case:
    path: Path
    language: str
    rule: str

    @property
    def id(self) -> str:
        return f"{self.language}/{self.rule}/{self.path.name}"

    @property
    def fixed_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".fixed" + self.path.suffix)

    def expected_lines(self) -> list[int]:
        """0-based lines that must carry a finding of this rule."""
        lines = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").split("\n")):
            match = EXPECT.search(line)
            if match and self.rule in [r.strip() for r in match.group(1).split(",")]:
                lines.append(number)
        return lines


def cases(language: str | None = None) -> list[Case]:
    found = []
    for folder in sorted(FIXTURES.glob("*/*")):
        if not folder.is_dir() or (language and folder.parent.name != language):
            continue
        if folder.parent.name == "iac":
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix in SUFFIXES and ".fixed." not in path.name and path.name.startswith(("bad_", "good_")):
                found.append(Case(path, folder.parent.name, folder.name))
    return found

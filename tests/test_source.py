"""SourceText's line starts carried over an edit are those the whole new text gives."""

import random

import pytest

from lambda_leak.source import SourceText

PIECES = ["\n", "\r\n", "a", "é", "  x();\n", "", "\n\n", "}"]


def _edited(rng: random.Random, text: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """`text` with one random byte range replaced, that range in old bytes and in new bytes."""
    data = text.encode()
    start = rng.randrange(len(data) + 1)
    while not _on_character(data, start):
        start -= 1
    end = min(len(data), start + rng.randrange(6))
    while not _on_character(data, end):
        end += 1
    inserted = "".join(rng.choice(PIECES) for _ in range(rng.randrange(4))).encode()
    new = data[:start] + inserted + data[end:]
    return new.decode(), (start, end), (start, start + len(inserted))


def _on_character(data: bytes, offset: int) -> bool:
    return offset >= len(data) or (data[offset] & 0xC0) != 0x80


@pytest.mark.parametrize("seed", range(5))
def test_carried_line_starts_are_the_fresh_ones(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice(PIECES) for _ in range(40))
    previous = SourceText("a.js", text, "javascript")
    for _ in range(60):
        new_text, old_span, new_span = _edited(rng, previous.text)
        carried = SourceText("a.js", new_text, "javascript")
        carried.carry_line_starts(previous._line_starts, old_span, new_span)
        fresh = SourceText("a.js", new_text, "javascript")
        assert carried._line_starts == fresh._line_starts
        previous = carried

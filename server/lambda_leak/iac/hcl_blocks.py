"""Where an HCL file's top-level blocks are, from its text alone: for Terraform's reader to parse
only the blocks it reads (`terraform._parse`), which are a small part of a configuration's bytes.

tree-sitter-hcl reads whitespace about as slowly as code (100 KB of spaces in ~24 ms), so the other
blocks are not blanked but left out of the parse (`Parser.included_ranges`). The blocks are found by
the layout `terraform fmt` writes: a head line, a `}` line at the start of a later line (one inside
a heredoc skipped), blank and comment lines between; anything else is parsed whole."""

from __future__ import annotations

import re
from typing import Callable

import tree_sitter as ts

# A top-level block's head on a line of its own, `kind "label" label {` (as `terraform fmt` lays it
# out; or the whole block on that line, `{}`), and its closing `}` at the start of a later line;
# blank and comment lines between blocks; a heredoc's opening (`<<EOF`, `<<-EOF`). Lines end in
# "\n" or "\r\n" (a Windows checkout).
_HEAD = re.compile(rb'([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*\{[ \t]*(\r?\n|[^{}\n]*\}[ \t]*\r?(?:\n|$))')
_CLOSE = re.compile(rb'\n\}[ \t]*\r?(?:\n|$)')
_GAP = re.compile(rb'(?:[ \t]*(?:(?:#|//)[^\n]*|/\*(?:[^*]|\*(?!/))*\*/[ \t]*)?\r?(?:\n|$))*')  # blank lines, comments
_HEREDOC = re.compile(rb'<<-?([A-Za-z_]\w*)[ \t]*\r?$', re.M)
# The head of a block only a configuration's top level holds, inside a block to skip.
_HEAD_INSIDE = re.compile(rb'\n[ \t]*(?:(?:resource|data|variable|module|output|provider)[ \t]+["A-Za-z_]|(?:locals|terraform)[ \t]*\{)')


def read_ranges(data: bytes, read: Callable[[bytes, bytes], bool]) -> list[ts.Range] | None:
    """Where the top-level blocks are that `read(kind, labels)` wants (`resource`,
    `"aws_lambda_function" "api"`), for tree-sitter to parse only those (its `included_ranges`:
    positions stay the file's) and skip the rest. None when every block is wanted, or when the text
    is not laid out as plain blocks this can split (anything but comments between blocks, a block
    not closed, a `/* */` comment left open at a block's end, a skipped block holding what looks like
    another block's head): the caller then parses it whole, as `terraform._parse` does when the
    ranges parse with a syntax error — a `}` line inside a string cuts a block short, which leaves
    it broken or the rest of the text no block. A syntax error inside a block it skips is not seen:
    that block is not read either way, and the blocks after it are read as written (a whole parse's
    recovery may lose one)."""
    ranges: list[ts.Range] = []
    skipped = False
    at, size, line = 0, len(data), 0
    while True:
        at = _GAP.match(data, at).end()
        if at >= size:
            break
        head = _HEAD.match(data, at)
        if head is None:
            return None
        close = head.end() if b"}" in head.group(3) else _block_close(data, head.end() - 1)
        if close is None or _comment_left_open(data, head.end(), close):
            return None
        if read(head.group(1), head.group(2)):
            line += data.count(b"\n", 0, at) if not ranges else data.count(b"\n", ranges[-1].end_byte, at)
            last = line + data.count(b"\n", at, close)
            end_column = close - (data.rfind(b"\n", 0, close) + 1)
            ranges.append(ts.Range((line, 0), (last, end_column), at, close))
            line = last
        elif _HEAD_INSIDE.search(data, head.end(), close):
            return None  # a closing brace out of place made this block swallow the next ones
        else:
            skipped = True
        at = close
    if not skipped:
        return None
    return ranges or [ts.Range((0, 0), (0, 0), 0, 0)]  # nothing read: an empty configuration


def _block_close(data: bytes, start: int) -> int | None:
    """The offset after the `}` line closing the block whose head ends at `start` (its line break);
    a `}` line inside a heredoc (a JSON policy) does not close it."""
    close = _CLOSE.search(data, start)
    while close is not None:
        opening = data.find(b"<<", start, close.start())
        heredoc = _HEREDOC.search(data, opening, close.start()) if opening >= 0 else None
        if heredoc is None:
            return close.end()
        # the heredoc ends at a line holding only its identifier: the block goes on after it
        end = re.compile(rb"\n[ \t]*" + re.escape(heredoc.group(1)) + rb"[ \t]*\r?(?:\n|$)").search(data, heredoc.end())
        if end is None:
            return None
        start = end.end() - 1 if data[end.end() - 1:end.end()] == b"\n" else end.end()
        if start > close.start():  # that `}` line was inside the heredoc
            close = _CLOSE.search(data, start)
    return None


def _comment_left_open(data: bytes, start: int, end: int) -> bool:
    """Whether a `/*` outside a string between `start` and `end` (a block's body) is not closed
    there: the `}` line that seemed to close the block would be inside a comment. (A `/*` inside
    a string, as in an ARN `"…:bucket/*"`, is told by the quotes before it on its line.)"""
    at = data.find(b"/*", start, end)
    while at >= 0:
        line = data[data.rfind(b"\n", 0, at) + 1:at]
        if (line.count(b'"') - line.count(b'\\"')) % 2 == 0:  # not inside a string
            closed = data.find(b"*/", at + 2, end)
            if closed < 0:
                return True
            at = data.find(b"/*", closed + 2, end)
        else:
            at = data.find(b"/*", at + 2, end)
    return False

"""Skipping what cannot matter, before astroid sees it (astroid's tree rebuild costs several
`ast.parse`es).

A rule can only fire where a leak API appears: `Thread`, `Timer`, `Process`, `submit`,
`map`, `create_task`, `ensure_future`, `async`/`await`, or a call into an `async def` defined
in the module or imported from the project. So:

- a file mentioning none of them, and importing nothing from the project, is not parsed;
- in a parsed file, a function whose text mentions none of them and that refers to no
  function, class or method of the module and nothing imported from the project is neither
  a leak site nor a link on a handler path: its body is replaced by `pass` and blanks in the
  text astroid builds from (signature, decorators and every position stay).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from lambda_leak.python import project
from lambda_leak.workspace.python import lines_holding

# Substrings, not words: `asyncio` counts as `async` (a superset is safe, and `in` is fast).
TRIGGERS = ("Thread", "Timer", "Process", "submit", ".map", "create_task", "ensure_future", "async", "await")
# Constructors of async clients (`self.http = httpx.AsyncClient()` in `__init__`), whose calls
# `async_apis` knows return coroutines: a body making one is kept.
TRIGGERS += ("Async", "ClientSession", "aioboto", "create_metrics_logger")
# Adapters that run a web app's routes inside the handler (`awsgi.response(app, event, context)`).
TRIGGERS += ("Mangum", "wsgi")
_WORD = re.compile(r"\w+")
# at a line's start, or after `;` / `:` (`import json; import tasks`, `try: import tasks`)
_IMPORT_LINE = re.compile(r"(?:^|[;:])[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w. \t,]+))", re.M)


def import_lines(text: str):
    """`_IMPORT_LINE.finditer(text)`, tried only on the lines holding "import": the same matches,
    since none crosses a line (the pattern's start, `^` or `;` or `:`, gives `re` no prefix)."""
    for start, end in lines_holding(text, "import"):
        yield from _IMPORT_LINE.finditer(text, start, end)


def imports_project_module(text: str, path: str) -> bool:
    for match in import_lines(text):
        relative, absolute = match.groups()
        # `import json, helpers as h`: every module of the list, without its alias
        names = [relative] if relative is not None else [part.split()[0] for part in absolute.split(",") if part.strip()]
        for name in names:
            if name.startswith(".") or (name and project.resolve_qualified(name + ".x", path)):
                return True
    return False


def mentions_trigger(text: str) -> bool:
    for trigger in TRIGGERS:  # a substring search each: several times faster than one regex
        if trigger in text:
            return True
    return False


def might_fire(text: str, path: str) -> bool:
    return mentions_trigger(text) or imports_project_module(text, path)


# Beyond this many names, one pass over the words beats a substring search per name.
_FEW_NAMES = 48


def uses_any(text: str, names: set[str], start: int = 0) -> bool:
    """Whether a word of `text[start:]` is one of `names`. A substring search per name first
    (in C, no allocation): most bodies mention none of them, and only then are words split."""
    if len(names) <= _FEW_NAMES:
        find = text.find
        for name in names:
            if find(name, start) >= 0:
                break
        else:
            return False
    return not names.isdisjoint(_WORD.findall(text, start))


def word_matches(pattern: re.Pattern, text: str):
    """`pattern.finditer(text)` with a `\\b` before the pattern, checked by hand: a leading
    `\\b` stops `re` from scanning for the pattern's first letters (ten times slower)."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            position = start + 1
            continue
        yield match
        position = max(match.end(), start + 1)


def _links(tree: ast.Module, path: str) -> set[str]:
    """Names through which a handler path can continue: the module's functions, classes and
    methods, and names imported from project modules."""
    links: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            links.add(statement.name)
        elif isinstance(statement, ast.ClassDef):
            links.add(statement.name)
            links.update(
                s.name for s in statement.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            module = statement.module or "" if isinstance(statement, ast.ImportFrom) else ""
            for alias in statement.names:
                dotted = f"{module}.{alias.name}" if isinstance(statement, ast.ImportFrom) else alias.name
                if (isinstance(statement, ast.ImportFrom) and statement.level) or project.resolve_qualified(
                    dotted + ".x", path
                ):
                    links.add((alias.asname or alias.name).split(".")[0])
    return links | _bound_to_links(tree, links)


def _bound_to_links(tree: ast.Module, links: set[str]) -> set[str]:
    """Module-level names bound to an expression using a link (`SERVICE = OrderService()`,
    `client = helpers.make_client()`): a body using them continues the handler path."""
    assignments = []
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names:
                used = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
                assignments.append((names, used))
    bound: set[str] = set()
    grew = True
    while grew:  # `a = Service(); b = a.child`: until nothing more is bound
        grew = False
        for names, used in assignments:
            if not names <= bound and used & (links | bound):
                bound |= names
                grew = True
    return bound


def _prunable(function: ast.AST, lines: list[str], links: set[str]) -> bool:
    if isinstance(function, ast.AsyncFunctionDef):
        return False
    text = "\n".join(lines[function.lineno - 1 : function.end_lineno])
    if mentions_trigger(text):
        return False
    # Words of the text, not names of the tree: a name in a comment keeps a body it need not
    # keep, never the reverse. The def line is skipped (it names the function itself).
    return not uses_any(text, links, len(lines[function.lineno - 1]))


def _char_column(line: str, byte_column: int) -> int:
    return len(line.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))


def _body_span(function: ast.FunctionDef, lines: list[str]) -> tuple[int, int, int, int] | None:
    """(first line, its column, last line, its end column) of the body, 0-based, in characters;
    None when the body cannot be blanked out cleanly (code after it on its last line)."""
    first, last = function.body[0], function.body[-1]
    if last.end_lineno is None or last.end_col_offset is None:
        return None
    start_line, end_line = first.lineno - 1, last.end_lineno - 1
    end_column = _char_column(lines[end_line], last.end_col_offset)
    rest = lines[end_line][end_column:].strip()
    if rest and not rest.startswith("#") and not (rest.startswith(";") and start_line == end_line):
        return None
    return start_line, _char_column(lines[start_line], first.col_offset), end_line, end_column


# A `def` or `class` line, for the estimate below.
_DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)[^\n]*", re.M)
_last_definitions: tuple[str | None, list[re.Match]] = (None, [])


def _definitions(text: str) -> list[re.Match]:
    """Every `def` and `class` line of `text`. The last text's are kept: the estimate and the
    pruning read the same text, and one scan serves them all."""
    global _last_definitions
    last = _last_definitions  # one read: another thread may replace it meanwhile
    if last[0] is not text:
        last = _last_definitions = (text, list(_DEFINITION.finditer(text)))
    return last[1]


@lru_cache(maxsize=32)
def _block_end(indent: int) -> re.Pattern:
    """A line of code indented no deeper than a `def` at `indent`: its body has ended."""
    return re.compile(r"\n[ \t]{0,%d}(?=[^\s#])" % indent)


def worth_pruning(text: str) -> bool:
    """Whether pruning is likely to pay for its own work (a text scan, or an `ast.parse` where
    the text is unusual): a cheap estimate, on the text, of the share of it in bodies that
    mention no trigger and no other definition of the module. Pruning or not never changes
    what is found."""
    pieces = _definitions(text)
    if len(pieces) < 2:
        return False
    names = {m.group(1) for m in pieces}
    hollow, enough = 0, 0.3 * len(text)
    for current, following in zip(pieces, pieces[1:] + [None]):
        start, stop = current.end(), following.start() if following else len(text)
        indent = len(current.group(0)) - len(current.group(0).lstrip())
        end = _block_end(indent).search(text, start, stop)  # code after the body (module level, the next method)
        body = text[start : end.start() if end else stop]
        if not mentions_trigger(body) and not uses_any(body, names):
            hollow += len(body)
            if hollow > enough:
                return True
    return False


def prune_text(text: str, path: str) -> str:
    """`text` with the bodies that cannot matter replaced by `pass` and blanks: every other
    line and column stays where it was. Unparsable text is returned as it is."""
    try:
        tree = ast.parse(text + "\n", filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text
    lines = text.split("\n")
    links = _links(tree, path)
    spans = []
    for statement in tree.body:
        for node in statement.body if isinstance(statement, ast.ClassDef) else [statement]:
            if isinstance(node, ast.FunctionDef) and _prunable(node, lines, links):
                span = _body_span(node, lines)
                if span is not None:
                    spans.append(span)
    for start_line, start_column, end_line, end_column in spans:
        for number in range(start_line, end_line + 1):
            line = lines[number]
            begin = start_column if number == start_line else 0
            end = end_column if number == end_line else len(line.rstrip("\r"))
            filler = "pass" if number == start_line else ""
            lines[number] = line[:begin] + filler + " " * max(0, end - begin - len(filler)) + line[end:]
    return "\n".join(lines)


# Pruning from the text alone, so that astroid's own parse is the only one. Sound by
# construction where it answers, and checked on the tree astroid then builds (`hollowed`);
# where the text is unusual (tabs, one-line bodies, backslash continuations) the
# `ast`-based `prune_text` above decides instead.
_STRING_OR_COMMENT = re.compile(
    r'"""(?:\\[\s\S]|[^\\])*?"""|\'\'\'(?:\\[\s\S]|[^\\])*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|#[^\n]*'
)
_CONTINUED = re.compile(r"\\[ \t\r]*$", re.M)
_CODE_LINE = re.compile(r"^(?=[^\s#])", re.M)
_NEXT_CODE_LINE = re.compile(r"\n([ \t]*)(?=[^\s#])")
_FROM_IMPORT = re.compile(r"from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n;#]*)")  # after a word boundary
_IMPORT = re.compile(r"import[ \t]+([^\n;#]*)")  # after a word boundary


class _Unusual(Exception):
    """Text the text-only pruning does not handle: `prune_text` decides."""


def _code(segment: str) -> str | None:
    """`segment` without its strings and comments; None when a string is left open."""
    if '"' not in segment and "'" not in segment and "#" not in segment:
        return segment
    code = _STRING_OR_COMMENT.sub(" ", segment)
    return None if ('"' in code or "'" in code) else code


def _complete(segment: str) -> bool:
    """Whether `segment` is whole logical lines: no string, bracket or `\\` continuation left open."""
    return _closed(_code(segment))


def _closed(code: str | None) -> bool:
    """`_complete`, on a segment's code (see `_code`)."""
    if code is None or ("\\" in code and _CONTINUED.search(code)):
        return False
    count = code.count
    return count("(") + count("[") + count("{") == count(")") + count("]") + count("}")


def _text_links(text: str, path: str) -> set[str]:
    """A superset of `_links`: every name defined anywhere, every name imported from the project."""
    links = {m.group(1) for m in _definitions(text)}
    for match in word_matches(_FROM_IMPORT, text):
        module, names = match.groups()
        for piece in names.strip("()").split(","):
            words = piece.split()
            if words and (module.startswith(".") or project.resolve_qualified(f"{module}.{words[0]}.x", path)):
                links.update(w.split(".")[0] for w in (words[0], words[-1]))
    for match in word_matches(_IMPORT, text):
        before = text[_line_start(text, match.start()) : match.start()].strip()
        if before and not before.endswith((";", ":")):
            continue  # not a statement (the end of `from x import y`, or no code at all)
        names = match.group(1)
        for piece in names.strip("()").split(","):
            words = piece.split()
            if words and project.resolve_qualified(words[0] + ".x", path):
                links.update(w.split(".")[0] for w in (words[0], words[-1]))
    starts = [m.start() for m in _CODE_LINE.finditer(text)] + [len(text)]
    assignments = []
    for start, end in zip(starts, starts[1:]):
        block = text[start:end]
        if "=" not in block or block.startswith(("def", "async", "class", "@")):
            continue
        if not _complete(block):
            raise _Unusual
        assignments.append(block)
    # Every word of an assignment is a name it may bind and one it may use: an assignment using
    # a link binds all its words, until nothing more is bound.
    grew = True
    while grew:
        grew = False
        unused = []
        for block in assignments:
            if uses_any(block, links):
                links.update(_WORD.findall(block))
                grew = True
            else:
                unused.append(block)
        assignments = unused
    return links


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _candidates(text: str):
    """(def match, indent) of every `def` that is module level or a method of a module-level class."""
    class_end, body_indent = -1, None
    for match in _definitions(text):
        line = match.group(0)
        indent = len(line) - len(line.lstrip())
        keyword = line.split()[0]
        if indent == 0:
            if keyword == "class":
                end = _block_end(0).search(text, match.end())
                class_end = end.start() if end else len(text)
                body = _NEXT_CODE_LINE.search(text, match.end())
                body_indent = len(body.group(1)) if body and body.start() < class_end else None
            elif keyword == "def":
                yield match, 0
        elif keyword == "def" and match.start() < class_end and indent == body_indent:
            yield match, indent


def _text_prune(text: str, path: str) -> tuple[str, list[tuple[int, int]]]:
    """`text` pruned like `prune_text` (a subset of its bodies at most) and the 1-based line
    and column of every `pass` it put; raises `_Unusual`."""
    if "\t" in text or "\f" in text or "\\\n" in text or "\\\r\n" in text:
        raise _Unusual
    links = _text_links(text, path)
    lines = text.split("\n")
    spans, covered = [], -1
    counted, breaks = 0, 0  # line breaks before offset `counted`
    for match, indent in _candidates(text):
        if match.start() < covered:
            continue
        # The header may span lines: it ends on the first line where it is complete and ends with `:`.
        header_end = text.find("\n", match.start())
        while True:
            header_end = len(text) if header_end < 0 else header_end
            header = text[match.start() : header_end]
            code = _code(header)
            if _closed(code):
                if not code.rstrip().endswith(":"):
                    raise _Unusual  # a one-line body
                break
            if header_end >= len(text):
                raise _Unusual
            header_end = text.find("\n", header_end + 1)
        end = _block_end(indent).search(text, header_end)
        region_end = end.start() if end else len(text)
        first = _NEXT_CODE_LINE.search(text, header_end)
        if first is None or first.start() >= region_end:
            continue
        def_start = _line_start(text, match.start())
        function = text[def_start:region_end]
        if mentions_trigger(function) or uses_any(function, links, match.end() - def_start):
            continue
        body_start = first.start() + 1
        region = text[body_start:region_end]
        if not _complete(region):
            continue
        breaks += text.count("\n", counted, def_start)
        counted = def_start
        def_line = breaks
        first_line = def_line + text.count("\n", def_start, body_start)
        last_line = first_line + region.count("\n")
        spans.append((def_line, first_line, len(first.group(1)), last_line))
        covered = region_end
    hollow = []
    for def_line, first_line, column, last_line in spans:
        for number in range(first_line, last_line + 1):
            line = lines[number]
            begin = column if number == first_line else 0
            width = len(line.rstrip("\r"))
            filler = "pass" if number == first_line else ""
            lines[number] = line[:begin] + filler + " " * max(0, width - begin - len(filler)) + line[width:]
        hollow.append((first_line + 1, column))
    return "\n".join(lines), hollow


def prune(text: str, path: str) -> tuple[str, list[tuple[int, int]]]:
    """The pruned text and, when it was decided from the text alone, where each `pass` must be
    found in its tree (see `hollowed`); an empty list when no check is needed."""
    try:
        return _text_prune(text, path)
    except (_Unusual, RecursionError):
        return prune_text(text, path), []

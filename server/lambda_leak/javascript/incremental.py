"""Re-using the previous version's call graph when an editor changes a few statements.

The language server analyses a document again on every change. Which functions of the file
each call runs (`JsModule.functions_called`, `JsModule.passed_functions`: the edges of the
handler paths) depends only on the call's callee and arguments, the names visible where it
stands and the classes, objects and functions those names are bound to. When an edit stays
inside a run of one block's statements that declare nothing (a name declared in a block other
than the program is read only inside it: then all of that block's statements count as edited)
and, in a class, read no `this` (its fields), and the syntax tree keeps its shape around them,
none of that changes for a call outside them: its edges are the previous version's, moved by
the edit. Nor do the nodes outside them: the calls and functions the module lists are the
previous version's, found again in the new tree by position and type (a tree-sitter query of
the whole file costs several times more), the other
scopes (blocks, mostly) are placed there and found only if something reads them, and only the
edited statements are queried; per-call answers that read nothing but the call's own syntax
(`JsModule.per_call`) come along. Everything else (the edited statements' calls, every rule) is
computed afresh, so findings stay those of a from-scratch analysis; anything else (a syntax
error, a top-level declaration, a class's fields, a tree that changed elsewhere, a node not
where it should be) simply queries the tree and computes the whole call graph again (a placed
scope found out of place once the analysis is under way: the whole analysis, see
`javascript.analyse.analyse`). While the text does not parse, the language server keeps the last
version that did (`lsp.documents.Document.analysed`): the first one that parses again starts from it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, islice, repeat
from operator import and_, is_
from tree_sitter import Node, Tree

from lambda_leak.javascript import parser
from lambda_leak.javascript.carried_nodes import Carried, Misaligned, Placement, carry, found_all, locate
from lambda_leak.javascript.edits import Edit, Span, common_ends, edited_statements
from lambda_leak.javascript.module import Binding, JsModule
from lambda_leak.javascript.promises import OUTSIDE, PromiseKnowledge
from lambda_leak.source import SourceText

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallGraph:
    """One analysed version's call-graph edges, by position in `JsModule.calls` + `news` and
    `JsModule.functions` (nodes do not outlive their tree), with the start bytes of those nodes and
    a copy of the syntax tree as it was (the document's own copy is edited as the user types)."""

    data: bytes
    language: str
    tree: Tree
    call_starts: list[int]
    new_starts: list[int]
    function_starts: list[int]
    called: dict[int, tuple[int, ...]]  # call (index; `new`s after the calls) -> functions_called
    passed: dict[int, tuple[int, ...]]  # call -> functions passed to it by name
    function_ends: list[int] = field(default_factory=list)
    call_ends: list[int] = field(default_factory=list)  # calls then `new`s
    promise_names: tuple[str, ...] = ()  # the `promise-functions` setting the answers below assumed
    # call -> (does it make a promise, the functions whose code decided it); none after a cut recursion
    promises: dict[int, tuple[bool, tuple[int, ...]]] = field(default_factory=dict)
    function_types: list[str] = field(default_factory=list)
    # the other nodes that declare names (`Nodes.scopes` and `placed_scopes`), by (start, -end):
    # where, and their types
    scope_starts: list[int] = field(default_factory=list)
    scope_ends: list[int] = field(default_factory=list)
    scope_types: list[str] = field(default_factory=list)
    per_call: dict = field(default_factory=dict)  # `JsModule.per_call`'s answers (by call index)
    reached: dict[int, tuple[int, ...]] = field(default_factory=dict)  # function -> `paths.reach` (indices)
    parameters: dict[int, list[str]] = field(default_factory=dict)  # function -> `JsModule.parameters`
    line_starts: list[int] | None = None  # `SourceText`'s, when this version's analysis read them
    # the module scope's names, when this version's analysis read them (see `_declarations`)
    declarations: list[tuple] | None = None


@dataclass
class _Seeded:
    """What `seed_promises` put in one module's promise memo, as `capture` would write it down (by this
    version's indices), kept when every function kept its index: `capture` then copies these and
    converts only the entries computed afterwards, which the memo (a dict, in insertion order) lists
    after the `counts` seeded ones. (The call-graph edges are carried by `_CarriedEdges`.)"""

    promises: dict[int, tuple[bool, tuple[int, ...]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # memo name -> how many entries were seeded


# `Binding(*fields)` without its Python-level `__new__` (so without its defaults: give all five)
_binding = partial(tuple.__new__, Binding)


@dataclass
class Reuse:
    """How this version's nodes line up with the previous version's (old index -> new index)."""

    calls: list  # calls then `new`s; None inside the edited statements
    functions: list
    nodes: list  # the new calls then `new`s
    edited: Span | None  # the edited statements (new bytes); None when the text did not change
    unit: Span  # the same, in old bytes
    comment_free: bool  # no comment in the edited text (a JSDoc `@returns` may have changed)


@dataclass
class DocumentMemo:
    """What the language server keeps for one open document between its versions: `previous` is
    read by the next analysis, which leaves its own edges in `current`."""

    previous: CallGraph | None = None
    reused: int = 0  # calls whose edges came from `previous` (for the log and the tests)
    reused_promises: int = 0  # calls whose "makes a promise" answer came from `previous`
    reused_reach: int = 0  # `paths.reach` answers that came from `previous`
    carried: int = 0  # nodes (calls, functions, scopes) found again or placed by position, not by a query
    reuse: Reuse | None = field(default=None, repr=False)
    placement: Placement = field(default_factory=Placement, repr=False)
    _capture: Callable[[], CallGraph | None] | None = field(default=None, init=False, repr=False)
    _captured: CallGraph | None = field(default=None, init=False, repr=False)

    def keep(self, module: JsModule, promises: PromiseKnowledge | None) -> None:
        """Note the analysis whose call graph `current` is: it is captured when first asked, so
        the language server can publish this version's diagnostics first."""
        self._capture, self._captured = partial(capture, module, promises), None

    def forget(self) -> None:
        """Drop what `keep` noted and the previous version (an analysis started again afresh)."""
        self.previous, self._capture, self._captured = None, None, None

    @property
    def misaligned(self) -> bool:
        """Was a placed scope not where the edit said (see `locate`)?"""
        return self.placement.misplaced

    @property
    def current(self) -> CallGraph | None:
        if self._capture is not None:
            self._captured, self._capture = self._capture(), None
        return self._captured


def capture(module: JsModule, promises: PromiseKnowledge | None = None) -> CallGraph | None:
    """The call graph `module`'s analysis computed, for the next version (None if it cannot be read)."""
    try:
        return _capture(module, promises)
    except Exception:  # noqa: BLE001 - a memo never costs an analysis
        log.debug("call graph not kept", exc_info=True)
        return None


def _capture(module: JsModule, promises: PromiseKnowledge | None) -> CallGraph:
    nodes = module.calls + module.news
    index = getattr(module._called, "index", None)  # `_CallIndex`, when the edges were seeded lazily
    calls = index.mapping() if index is not None else dict(zip(nodes, range(len(nodes))))  # built in C
    functions = dict(zip(module.functions, range(len(module.functions))))
    seeded = module._incremental_seeded

    def edges(memo: dict[Node, list[Node]], name: str) -> dict[int, tuple[int, ...]]:
        out, entries = _unseeded(memo, seeded, name)
        function = functions.get
        for call, targets in entries:  # one loop for thousands of calls: kept lean
            where = calls.get(call)
            if where is None:
                continue
            if not targets:
                out[where] = ()
            elif len(targets) == 1:
                target = function(targets[0])
                if target is not None:
                    out[where] = (target,)
            else:
                found = tuple([functions.get(t, -1) for t in targets])
                if -1 not in found:
                    out[where] = found
        return out

    answers: dict[int, tuple[bool, tuple[int, ...]]] = {}
    if promises is not None and promises.track and not promises.cyclic:
        answers, entries = _unseeded(promises._calls_cache, seeded, "promises")
        for call, made in entries:
            where, depends = calls.get(call), promises.call_deps.get(call, (OUTSIDE,))
            if where is None or OUTSIDE in depends:
                continue
            found = tuple([functions.get(f, -1) for f in depends])
            if -1 not in found:
                answers[where] = (made, found)
    scopes = [s for s in module._scope_list if not s.is_function and s.kind != "program"]  # no node read
    return CallGraph(module.source.data, module.source.language, module.tree.copy(), module._call_starts,
                     module._new_starts, _spans(module)[1], edges(module._called, "called"),
                     edges(module._passed, "passed"), _spans(module)[2], _spans(module)[0],
                     tuple(promises.extra_names) if promises is not None else (), answers,
                     [s.kind for s in module._scope_list if s.is_function],
                     [s.start for s in scopes], [s.end for s in scopes], [s.kind for s in scopes],
                     dict(module._per_call), _reached(module, functions), _parameters(module, functions),
                     module.source.__dict__.get("_line_starts"), _declarations(module, functions))


def _declarations(module: JsModule, functions: dict[Node, int]) -> list[tuple] | None:
    """The module scope's bindings (`JsModule.module_scope`), in order, each with its node as a
    function index or as (start, end, type); None when this analysis never read that scope."""
    declared = module._scopes.get(module.root)
    if declared is None:
        return None
    out = []
    for name, binding in declared.items():
        node = binding.node
        where = None if node is None else functions.get(node)
        if where is None and node is not None:
            where = (node.start_byte, node.end_byte, node.type)
        out.append((name, binding.kind, where, binding.module, binding.imported, binding.constructor))
    return out


def _parameters(module: JsModule, functions: dict[Node, int]) -> dict[int, list[str]]:
    """`JsModule.parameters`' answers, by function index."""
    return {index: names for function, names in module._parameters.items()
            if (index := functions.get(function)) is not None}


def _unseeded(memo: dict, seeded: _Seeded | None, name: str) -> tuple[dict, Iterable]:
    """A copy of what was seeded into `memo` (as `capture` writes it), and the entries to convert."""
    if isinstance(memo, _CarriedEdges):  # the carried edges, then those asked or computed (the same again)
        return dict(memo.carried), memo.items()
    if seeded is None or name not in seeded.counts:
        return {}, memo.items()
    return dict(getattr(seeded, name)), islice(memo.items(), seeded.counts[name], None)


def _reached(module: JsModule, functions: dict[Node, int]) -> dict[int, tuple[int, ...]]:
    """`paths.reach`'s answers of this analysis, by function index."""
    out = {}
    for start, found in module._reach_memo.items():
        where, targets = functions.get(start), tuple([functions.get(f, -1) for f in found])
        if where is not None and -1 not in targets:
            out[where] = targets
    return out


def _spans(module: JsModule) -> tuple[list[int], list[int], list[int]]:
    """The ends of `module`'s calls then `new`s, and its functions' starts and ends: read from
    tree-sitter once per analysis (lining up with the previous version, then capturing this one)."""
    spans = module._incremental_spans
    if spans is None:
        spans = module._incremental_spans = (
            [c.end_byte for c in (*module.calls, *module.news)],
            [f.start_byte for f in module.functions],
            [f.end_byte for f in module.functions],
        )
    return spans


def seed_promises(promises: PromiseKnowledge, memo: DocumentMemo) -> int:
    """Start `promises` from the previous version's answers for calls outside the edit whose
    deciding functions are all unchanged (never after a cut recursion, a changed comment or
    setting, or an answer that read the project or the file as a whole). Returns how many."""
    promises.track = True
    previous, reuse = memo.previous, memo.reuse
    if previous is None or reuse is None or not reuse.comment_free or set(previous.promise_names) != promises.extra_names:
        return 0
    try:
        nodes, functions = reuse.nodes, promises.module.functions
        unit, edited = reuse.unit, reuse.edited
        changed = set()  # old functions around the edit: their code changed
        if edited is not None:
            changed = {i for i, (start, end) in enumerate(zip(previous.function_starts, previous.function_ends))
                       if start < unit[0] < end}
        kept = promises.module._incremental_seeded  # every function kept its index (see `_seed`)
        answers = kept.promises if kept is not None else {}  # as `capture` will write them down
        moved_functions, calls_cache, call_deps = reuse.functions, promises._calls_cache, promises.call_deps
        deciding: dict[tuple[int, ...], frozenset | None] = {}  # old indices -> this version's functions
        for index, answer in previous.promises.items():  # one loop for thousands of calls: kept lean
            moved = reuse.calls[index]
            if moved is None:
                continue
            depends = answer[1]
            found = deciding.get(depends, False)
            if found is False:
                found = deciding[depends] = _deciding(depends, changed, moved_functions, functions)
            if found is None:
                continue
            call = nodes[moved]
            calls_cache[call] = answer[0]
            call_deps[call] = found
            answers[moved] = answer
        if kept is not None:
            kept.counts["promises"] = len(calls_cache)
        return len(calls_cache)
    except Exception:  # noqa: BLE001 - a memo never costs an analysis
        log.debug("promise answers not re-used", exc_info=True)
        promises._calls_cache.clear()
        promises.call_deps.clear()
        promises.module._incremental_seeded = None
        return 0


def _deciding(depends: tuple[int, ...], changed: set[int], moved: list, functions: list) -> frozenset | None:
    """The functions (this version's nodes) whose code decided an answer, None when one changed."""
    if not changed.isdisjoint(depends):
        return None
    found = [moved[f] for f in depends]
    return None if None in found else frozenset([functions[f] for f in found])


def parse_module(source: SourceText, previous_tree: Tree | None, memo: DocumentMemo) -> JsModule:
    """Parse `source` (from `previous_tree`: `memo.previous.tree` with the document's edits applied)
    and model it, carrying over from `memo.previous` what the edit provably left unchanged: the
    nodes outside the edited statements (found again or placed by position instead of querying
    the whole tree) and their call-graph edges (see `_seed`). Anything unexpected computes them
    afresh."""
    tree = parser.parse(source.data, source.language, previous_tree)
    if previous_tree is not None and tree.root_node.has_error:
        # tree-sitter's error recovery can differ when it re-uses the old tree's subtrees: broken text
        # is parsed afresh, so its error (and what is found around it) is the one `check` reports
        tree = parser.parse(source.data, source.language)
    memo.reuse, memo.reused, memo.reused_promises, memo.reused_reach, memo.carried = None, 0, 0, 0, 0
    memo.placement = Placement()
    edit = carried = None
    try:
        edit = _align(tree, source, memo.previous, previous_tree)
        if edit is not None and memo.previous.line_starts is not None:
            source.carry_line_starts(memo.previous.line_starts, edit.unit, edit.edited or (0, 0))
        where = partial(locate, tree.root_node.descendant_for_byte_range, memo.placement)
        carried = carry(tree, source, memo.previous, edit, where) if edit is not None else None
    except Exception:  # noqa: BLE001 - a memo never costs an analysis
        log.debug("nodes not carried over", exc_info=True)
        edit = carried = None
    module = JsModule(source, tree, carried.nodes if carried is not None else None)
    if edit is None or carried is None:
        return module
    try:
        module._incremental_spans = (carried.call_ends, carried.function_starts, carried.function_ends)
        memo.carried = carried.count
        _carry_per_call(module, memo.previous, carried)
        _carry_parameters(module, memo.previous, edit, carried)
        _carry_declarations(module, memo.previous, edit, carried)
        memo.reuse = _line_up(module, memo.previous, edit, carried)
        memo.reused, skipped = _seed(module, memo.previous, memo.reuse)
        memo.reused_reach = _seed_reach(module, memo.previous, memo.reuse) if not skipped else 0
    except Exception:  # noqa: BLE001 - a memo never costs an analysis
        log.debug("call graph not re-used", exc_info=True)
        memo.reuse, memo.reused, memo.reused_reach = None, 0, 0
        module._called.clear()
        module._passed.clear()
        module._reach_memo = {}
        module._incremental_seeded = None
    return module


def _align(tree: Tree, source: SourceText, previous: CallGraph | None, previous_tree: Tree | None) -> Edit | None:
    """Where this version differs from `previous`, when the edit is one this can reason about: a run
    of one block's statements that declare nothing (or all of a block's that is not the program),
    the tree unchanged around them."""
    if previous is None or previous_tree is None or previous.language != source.language:
        return None
    if tree.root_node.has_error or previous.tree.root_node.has_error:
        return None
    old, new = previous.data, source.data
    delta = len(new) - len(old)
    if old == new:
        return None if any(True for _ in previous_tree.changed_ranges(tree)) else Edit(None, (0, 0), 0)
    prefix, suffix = common_ends(old, new)
    edited = edited_statements(tree, new, old, previous.tree, previous_tree, prefix, suffix)
    if edited is None:
        return None
    return Edit(edited, (edited[0], edited[1] - delta), delta)


def _carry_per_call(module: JsModule, previous: CallGraph, carried: Carried) -> None:
    """`JsModule.per_call`'s answers for the carried calls, as the previous version read them: each
    depends only on the call's syntax outside the statement blocks in it, which lies outside the
    edited statements (even for a call around them); the edited statements' calls are read again."""
    first, last = carried.call_cut
    count = len(previous.call_starts)
    inside = module.calls[first : first + len(module.calls) - count + (last - first)]
    for read, old in previous.per_call.items():
        if len(old) == count:
            module._per_call[read] = [*old[:first], *[read(module, call) for call in inside], *old[last:]]


def _carry_parameters(module: JsModule, previous: CallGraph, edit: Edit, carried: Carried) -> None:
    """`JsModule.parameters`' answers for the carried functions that lie wholly before or after the
    edited statements (their text is the previous version's, moved); those around or in them are
    read again (a default value may hold the edited statements)."""
    low, high = edit.unit
    outside = edit.edited is None
    starts, ends, functions, memo = previous.function_starts, previous.function_ends, module.functions, module._parameters
    for old, names in previous.parameters.items():
        moved = carried.functions[old]
        if moved is not None and (outside or ends[old] <= low or starts[old] >= high):
            memo[functions[moved]] = names


def _carry_declarations(module: JsModule, previous: CallGraph, edit: Edit, carried: Carried) -> None:
    """The module scope's bindings as the previous version read them, on this version's nodes. An
    edit `_align` accepts stays inside one block's statements, and no top-level statement it touches
    declares a name (nested blocks may, but their names never reach the module scope, `var` and
    functions in blocks included). So the names the top-level statements declare, and what each
    binding's kind, module and constructor read (a statement's syntax outside the statement blocks
    in it), are the previous version's. Only the nodes are found again (a function by its index,
    any other by position and type); a node that is not where the edit says leaves the scope to be
    read afresh."""
    entries = previous.declarations
    if entries is None:
        return
    (low, high), delta, edited = edit.unit, edit.delta, edit.edited is not None
    find, functions, moved = module.root.descendant_for_byte_range, module.functions, carried.functions
    declared: dict[str, Binding] = {}
    for name, kind, where, source, imported, constructor in entries:
        if where is None:
            node = None
        elif type(where) is int:
            index = moved[where]
            if index is None:
                return
            node = functions[index]
        else:
            start, end, node_type = where
            if edited and end > low:
                if start >= high:
                    start, end = start + delta, end + delta
                elif start <= low and end >= high:
                    end += delta  # around the edited statements
                else:
                    return
            try:
                node = found_all(find, [start], [end], [node_type])[0]
            except Misaligned:
                return
        declared[name] = _binding((kind, node, source, imported, constructor))
    module._scopes[module.root] = declared


def _line_up(module: JsModule, previous: CallGraph, edit: Edit, carried: Carried) -> Reuse:
    """How `module`'s nodes correspond to `previous`'s: as `carry` found them again (each checked
    where `edit` predicts; any other place stops the carrying, and with it this reuse)."""
    old, new = previous.data, module.source.data
    edited, unit = edit.edited, edit.unit
    comment_free = edited is None or not any(
        marker in text for text in (old[unit[0] : unit[1]], new[edited[0] : edited[1]]) for marker in (b"//", b"/*"))
    return Reuse(carried.calls, carried.functions, module.calls + module.news, edited, unit, comment_free)


def _seed(module: JsModule, previous: CallGraph, reuse: Reuse) -> tuple[int, int]:
    """Fill `module`'s call-graph memos from `previous`; returns how many entries (`called` and
    `passed` each) were seeded, and how many outside the edited statements were not (their edges
    are computed afresh; the caller only asks whether there were any). When every function kept its
    index, the memos only read the previous edges when a call's are asked (`_CarriedEdges`)."""
    around = _calls_around(previous, reuse) if reuse.edited is not None else set()
    if reuse.functions == list(range(len(module.functions))):  # every function kept its index
        return _seed_lazily(module, previous, reuse, around)
    where, edited, nodes = reuse.calls, reuse.edited, reuse.nodes
    # Old function index -> this version's node (None inside the edit), looked up once per function.
    functions = [None if moved is None else module.functions[moved] for moved in reuse.functions]
    seeded = skipped = 0
    for memo, entries in ((module._called, previous.called), (module._passed, previous.passed)):
        for index, targets in entries.items():  # one loop for thousands of calls: kept lean
            moved = where[index]
            if moved is None:
                continue  # inside the edited statements: computed afresh
            call = nodes[moved]
            if index in around and _reaches_into(call, edited):
                skipped += 1
                continue  # around them, with its callee reaching in
            if not targets:
                memo[call] = []
            elif len(targets) == 1:
                function = functions[targets[0]]
                if function is None:
                    skipped += 1
                    continue
                memo[call] = [function]
            else:
                found = [functions[t] for t in targets]
                if None in found:
                    skipped += 1
                    continue
                memo[call] = found
            seeded += 1
    return seeded, skipped


def _seed_lazily(module: JsModule, previous: CallGraph, reuse: Reuse, around: set[int]) -> tuple[int, int]:
    """`_seed` when every function kept its index (no function in the edited statements, before or
    after): each carried edge is the previous one under the call's new index, which `capture` copies
    as it is; the memos build a call's node list only if something asks for it (`_CarriedEdges`: an
    edit's analysis asks few calls, since `paths.reach` is carried over too)."""
    where, nodes = reuse.calls, reuse.nodes
    index = _CallIndex(nodes)
    skipped = 0
    for name, entries in (("_called", previous.called), ("_passed", previous.passed)):
        carried = {where[old]: targets for old, targets in entries.items() if where[old] is not None}
        for old in around:
            moved = where[old] if old in entries else None
            if moved is not None and _reaches_into(nodes[moved], reuse.edited):
                del carried[moved]  # around the edited statements, with its callee reaching in: afresh
                skipped += 1
        setattr(module, name, _CarriedEdges(carried, index, module.functions))
    module._incremental_seeded = _Seeded()  # for `seed_promises`: every function kept its index
    return len(module._called.carried) + len(module._passed.carried), skipped


class _CallIndex:
    """This version's call (or `new`) -> its index in `calls + news`, built when first asked."""

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes
        self._index: dict[Node, int] | None = None

    def mapping(self) -> dict[Node, int]:
        if self._index is None:
            self._index = dict(zip(self.nodes, range(len(self.nodes))))
        return self._index

    def get(self, call: Node) -> int | None:
        return self.mapping().get(call)


class _CarriedEdges(dict):
    """`JsModule._called` or `_passed`: the edges computed for this version, and, for a call not
    asked yet, the edge carried over from the previous version (`carried`: call index -> function
    indices, unchanged since every function kept its index), turned into nodes when first asked.
    Only `get` (all `JsModule` uses) falls back to `carried`; `clear` forgets both."""

    def __init__(self, carried: dict[int, tuple[int, ...]], index: _CallIndex, functions: list[Node]) -> None:
        super().__init__()
        self.carried = carried
        self.index = index
        self.functions = functions

    def get(self, call, default=None):
        found = dict.get(self, call)
        if found is not None:
            return found
        where = self.index.get(call)
        targets = self.carried.get(where) if where is not None else None
        if targets is None:
            return default
        functions = self.functions
        found = self[call] = [functions[t] for t in targets]
        return found

    def clear(self) -> None:
        super().clear()
        self.carried.clear()


def _reaches_into(call: Node, edited: Span) -> bool:
    """Does a call that encloses the edit's start have its callee reach into the edited statements?"""
    return call.start_byte < edited[0] < call.end_byte and _callee_overlaps(call, edited)


def _seed_reach(module: JsModule, previous: CallGraph, reuse: Reuse) -> int:
    """Fill `paths.reach`'s memo from `previous` when the edit leaves the function-level call graph
    (function -> the functions its calls and `new`s run) as it was: no function in the edited
    statements, before or after; no edge outside them that was known left behind (the caller
    checks; an edge never computed before cannot have changed either, since a name the edit
    declares is read only inside the edited statements (`edited_statements`) and a callee
    reaching into them is a function expression, whose edge is empty); and
    their calls, old and new, running the same functions between them (those calls lie in the
    same functions, the ones around the edited block). Returns how many answers were seeded."""
    if not previous.reached or len(module.functions) != len(previous.function_starts) or None in reuse.functions:
        return 0
    moved, nodes = reuse.calls, reuse.nodes
    before: set[int] = set()
    # The old calls in the edited statements and this version's there: picked out in C (thousands of calls).
    for index in compress(range(len(moved)), map(is_, moved, repeat(None))):
        old = previous.called.get(index), previous.passed.get(index)
        if None in old:
            return 0  # never asked: what it ran is not known
        before.update(*old)
    after = {function for index in sorted(set(range(len(nodes))).difference(moved))
             for function in (*module.functions_called(nodes[index]), *module.passed_functions(nodes[index]))}
    position = dict(zip(module.functions, range(len(module.functions))))
    if {position.get(f, -1) for f in after} != {reuse.functions[f] for f in before}:
        return 0
    functions, memo = module.functions, module._reach_memo
    for start, reached in previous.reached.items():
        memo[functions[reuse.functions[start]]] = frozenset([functions[reuse.functions[f]] for f in reached])
    return len(previous.reached)


def _calls_around(previous: CallGraph, reuse: Reuse) -> set[int]:
    """Old indices of the calls that may enclose the edit's start (old start before it, old end
    after it): no other call outside the edit can, since `carry` checked where each one starts
    and ends now (before the edit unchanged, after it moved by the same delta)."""
    start = reuse.unit[0]
    starts = [*previous.call_starts, *previous.new_starts]
    return set(compress(range(len(starts)), map(and_, map(start.__gt__, starts), map(start.__lt__, previous.call_ends))))


def _callee_overlaps(call: Node, span: Span) -> bool:
    """Does the part of a call that decides its edges (not its arguments) reach into `span`?"""
    callee = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    return callee is None or (callee.start_byte < span[1] and callee.end_byte > span[0])



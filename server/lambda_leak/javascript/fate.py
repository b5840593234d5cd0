"""Where a promise ends up: awaited or returned (handled), dropped (floating), stored in a
variable, or handed to code we cannot see (escapes — never reported, for precision)."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.promises import CHAIN_METHODS, COMBINATORS
from lambda_leak.javascript.syntax import (
    FUNCTION_TYPES,
    TRANSPARENT,
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    is_async,
    outermost,
    parameter_names,
    text,
    unwrap,
)

HANDLED, FLOATING, ESCAPES, STORED = "handled", "floating", "escapes", "stored"


@dataclass(frozen=True)
class Outcome:
    fate: str
    anchor: Node  # the outermost expression that carries the promise (whole chain, combinator)
    variable: Node | None = None  # STORED: the identifier it is stored in
    void: Node | None = None  # FLOATING through `void expr`: the unary expression
    misuse: str = ""  # FLOATING because its value is used as a plain value: "condition" or "value"
    holder: str = ""  # FLOATING in an object property nothing waits for: "job.done"


_CONDITIONS = frozenset({"if_statement", "while_statement", "do_statement", "for_statement"})
# Operators that turn a promise into a string, NaN or a meaningless comparison.
_VALUE_OPERATORS = frozenset({"+", "-", "*", "/", "%", "**", "<", ">", "<=", ">="})


def is_combinator(call: Node) -> bool:
    name = dotted_name(call.child_by_field_name("function"))
    return name.startswith("Promise.") and name[8:] in COMBINATORS


def _field_is(parent: Node, field: str, child: Node) -> bool:
    node = parent.child_by_field_name(field)
    return node is not None and node == child


def follow(node: Node) -> Outcome:
    current = node
    while True:
        parent = current.parent
        if parent is None:
            return Outcome(ESCAPES, current)
        kind = parent.type
        if kind in TRANSPARENT:
            current = parent
        elif kind in ("await_expression", "return_statement", "yield_expression"):
            return Outcome(HANDLED, current)
        elif kind == "arrow_function":  # expression body: returned
            return Outcome(HANDLED, current)
        elif kind == "member_expression" and _field_is(parent, "object", current):
            call = parent.parent
            prop = text(parent.child_by_field_name("property"))
            if call is not None and call.type == "call_expression" and prop in CHAIN_METHODS:
                current = call  # the chain carries the promise on
            else:
                return Outcome(ESCAPES, current)
        elif kind == "ternary_expression":
            if _field_is(parent, "condition", current):
                return Outcome(FLOATING, current, misuse="condition")
            current = parent
        elif kind in _CONDITIONS and _field_is(parent, "condition", current):
            if current.type == "parenthesized_expression" and current.named_child_count:  # the statement's own ( )
                current = current.named_children[0]
            return Outcome(FLOATING, current, misuse="condition")  # if (isAllowed(user)): always truthy
        elif kind == "binary_expression":
            operator = text(parent.child_by_field_name("operator"))
            if operator in ("&&", "||", "??"):
                if _field_is(parent, "right", current):
                    current = parent
                elif operator == "??":
                    return Outcome(ESCAPES, current)
                else:
                    return Outcome(FLOATING, current, misuse="condition")
            elif operator in _VALUE_OPERATORS:
                return Outcome(FLOATING, current, misuse="value")  # total + countUsers(batch)
            else:
                return Outcome(ESCAPES, current)
        elif kind == "augmented_assignment_expression" and _field_is(parent, "right", current):
            return Outcome(FLOATING, current, misuse="value")  # processed += countUsers(batch)
        elif kind == "template_substitution":
            return Outcome(FLOATING, current, misuse="value")  # `${loadName()}`
        elif kind == "sequence_expression":
            if parent.named_children and parent.named_children[-1] == current:
                current = parent
            else:
                return Outcome(FLOATING, current)
        elif kind == "unary_expression":
            operator = text(parent.child_by_field_name("operator"))
            if operator == "void":
                return Outcome(FLOATING, current, void=parent)
            if operator == "!":
                return Outcome(FLOATING, current, misuse="condition")
            return Outcome(ESCAPES, current)
        elif kind == "expression_statement":
            return Outcome(FLOATING, current)
        elif kind == "variable_declarator" and _field_is(parent, "value", current):
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                return Outcome(STORED, current, variable=name)
            return Outcome(ESCAPES, current)
        elif kind == "assignment_expression" and _field_is(parent, "right", current):
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                return Outcome(STORED, current, variable=left)
            return Outcome(ESCAPES, current)
        elif kind == "array":
            arguments = parent.parent
            call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
            if call is not None and is_combinator(call):
                current = call
            else:
                return Outcome(ESCAPES, current)
        elif kind == "arguments":
            call = parent.parent
            if call is not None and call.type == "call_expression":
                if is_combinator(call):
                    current = call
                    continue
                callee = call.child_by_field_name("function")
                if callee is not None and callee.type == "member_expression":
                    obj = unwrap(callee.child_by_field_name("object"))
                    if text(callee.child_by_field_name("property")) == "push" and obj.type == "identifier":
                        return Outcome(STORED, current, variable=obj)
            return Outcome(ESCAPES, current)
        else:
            return Outcome(ESCAPES, current)


def stored_outcome(module: JsModule, outcome: Outcome, depth: int = 0) -> Outcome:
    """Resolve a STORED outcome: handled if any later use awaits, returns or hands it on."""
    variable = outcome.variable
    function = enclosing_function(outcome.anchor)
    if variable is None or function is None or depth > 4:
        return Outcome(ESCAPES, outcome.anchor)
    name = module.text(variable)
    declared = module.resolve(name, variable)
    if declared is None or declared.kind == "param":
        return Outcome(ESCAPES, outcome.anchor)  # parameters and globals belong to someone else
    declaration = declared.node
    if declaration is not None and _pushed(outcome) and unwrap(declaration).type == "array":
        # `items.forEach((x) => pending.push(work(x)))`: the array belongs to the function around the callback
        while function is not None and not (function.start_byte <= declaration.start_byte < function.end_byte):
            function = enclosing_function(function)
        if function is None:
            return Outcome(ESCAPES, outcome.anchor)
    if declaration is not None and not (function.start_byte <= declaration.start_byte < function.end_byte):
        return Outcome(ESCAPES, outcome.anchor)  # a variable of an outer scope (a cache, a module promise)
    uses = [  # `return { promise }` uses it too (a shorthand property)
        ref
        for ref in descendants(function, frozenset({"identifier", "shorthand_property_identifier"}))
        if ref != variable and module.text(ref) == name and not _is_assignment_target(ref)
    ]
    if not uses:
        return Outcome(FLOATING, outcome.anchor, variable=variable)
    uses = [use for use in uses if not only_inspects(use)]
    if not uses:  # only its length is read, or it is logged: nothing waits for it
        return Outcome(FLOATING, outcome.anchor, variable=variable)
    conditions = 0
    for use in uses:
        result = follow(use)
        if result.fate == STORED and result.variable is not None and module.text(result.variable) != name:
            result = stored_outcome(module, result, depth + 1)
        if result.fate != FLOATING:
            return Outcome(HANDLED, outcome.anchor)
        conditions += result.misuse == "condition" and unwrap(result.anchor) == use
    if conditions == len(uses) and not _pushed(outcome):
        # `const ok = isAllowed(user); if (ok) …`: only ever tested, never awaited — always truthy
        return Outcome(FLOATING, outcome.anchor, variable=variable, misuse="condition")
    # Every use drops it again: those uses (`p.then(...)`) are reported where they float.
    return Outcome(HANDLED, outcome.anchor)


def _pushed(outcome: Outcome) -> bool:
    parent = outcome.anchor.parent
    return parent is not None and parent.type == "arguments" and outcome.variable is not None


def only_inspects(use: Node) -> bool:
    """A use that looks at a promise (or an array of them) without waiting: `pending.length`,
    `console.log(pending)`, `${pending}`."""
    node = outermost(use)
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "member_expression" and _field_is(parent, "object", node):
        return text(parent.child_by_field_name("property")) == "length"
    if parent.type == "template_substitution":
        return True
    if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call_expression":
        return dotted_name(parent.parent.child_by_field_name("function")).startswith("console.")
    return False


def _is_assignment_target(identifier: Node) -> bool:
    parent = identifier.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator":
        return _field_is(parent, "name", identifier)
    if parent.type == "assignment_expression":
        return _field_is(parent, "left", identifier)
    return False


def observes_waited_promise(module: JsModule, promises, anchor: Node) -> bool:
    """`p.catch(() => {})` / `p.finally(() => set.delete(p))` whose only work is synchronous callbacks
    on a promise `p` that this function also awaits or returns: the chain settles with `p`, so nothing
    outlives the invocation (attaching a handler early, or tracking in-flight work)."""
    node, callbacks = unwrap(anchor), []
    while node.type == "call_expression":
        callee = unwrap(node.child_by_field_name("function"))
        if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) not in CHAIN_METHODS:
            return False
        args = node.child_by_field_name("arguments")
        callbacks.extend(a for a in (args.named_children if args is not None else ()) if a.type != "comment")
        node = unwrap(callee.child_by_field_name("object"))
    function = enclosing_function(anchor)
    if node.type != "identifier" or function is None or not callbacks:
        return False
    for callback in callbacks:
        callback = unwrap(callback)
        if callback.type == "identifier":
            bound = module.resolve(module.text(callback), callback)
            callback = bound.node if bound is not None and bound.kind == "function" else callback
        if callback.type in FUNCTION_TYPES and (
            is_async(callback) or any(promises.makes_promise(c) for c in module.calls_within(callback))
        ):
            return False
    if _waited_elsewhere(module, function, node):
        return True
    bound = module.resolve(module.text(node), node)
    if bound is None or bound.kind != "param" or bound.node != function or module.text(node) not in parameter_names(function):
        return False
    # `function logOutcome(promise) { promise.then(log, warn) }`: each caller in this file must pass a
    # promise it waits for itself (callers in other files wait, or not, where they make it).
    index = parameter_names(function).index(module.text(node))
    for site in module.calls:
        if function not in module.functions_called(site):
            continue
        args = call_arguments(site)
        argument = unwrap(args[index]) if index < len(args) else None
        caller = enclosing_function(site)
        if argument is None or argument.type != "identifier" or caller is None:
            return False
        if not _waited_elsewhere(module, caller, argument):
            return False
    return True


def _waited_elsewhere(module: JsModule, function: Node, identifier: Node) -> bool:
    """Is the promise named by `identifier` awaited, returned or handed to an awaited combinator by
    another use in `function`?"""
    name = module.text(identifier)
    for use in descendants(function, frozenset({"identifier"})):
        if use != identifier and module.text(use) == name and not _is_assignment_target(use) and follow(use).fate == HANDLED:
            return module.resolve(name, use) == module.resolve(name, identifier)
    return False


_NAMES_AND_MEMBERS = frozenset({"identifier", "member_expression"})
_SETTLER_MEMBERS = (b"resolve", b"reject")  # what `_deferred_member` reads a member's property as


def settled_by_executor(node: Node, module: JsModule) -> bool:
    """Is `node` inside a `new Promise((resolve, reject) => …)` executor and does it settle it?

    `await new Promise((res, rej) => { const t = setTimeout(rej, ms); work.then(res) })` is
    the standard timeout pattern: the awaited promise waits for whatever settles it. The settlers
    of `const { promise, resolve } = Promise.withResolvers()` count the same way.
    """
    # Every settler comes from a `new Promise(...)` executor of this file, a `withResolvers()` call, or
    # is a member `x.resolve`/`x.reject` below `node`: most files and floating calls have none of them,
    # and are answered without the walk (a few µs instead of ~30 per finding, asked again each edit).
    executors, with_resolvers = _settler_sources(module)
    if not executors and not with_resolvers and not module.spells(node, _SETTLER_MEMBERS):
        return False
    identifiers, members = [], []  # one walk; the identifiers are asked again for each enclosing executor
    for found in descendants(node, _NAMES_AND_MEMBERS):
        (identifiers if found.type == "identifier" else members).append(found)
    if any((with_resolvers and _from_with_resolvers(module, i)) or (executors and _deferred(module, i)) for i in identifiers):
        return True
    for member in members:
        if not _deferred_member(module, member):  # first: it reads a name, where the next test walks up the tree
            continue
        inner = enclosing_function(member)  # handed on (`setTimeout(d.resolve)`) or called back later
        if member.parent.type == "arguments" or (inner is not None and node.start_byte <= inner.start_byte):
            return True
    if not executors:
        return False  # the settlers of an enclosing executor: there is none
    current = enclosing_function(node)
    while current is not None:
        settlers = _executor_parameters(current) or _named_executor(module, current)
        if settlers and any(_settles(module, i, settlers, current) for i in identifiers):
            return True
        if settlers and node.type == "identifier" and module.text(node) in settlers:
            return True
        current = enclosing_function(current)
    return False


def _settler_sources(module: JsModule) -> tuple[bool, bool]:
    """Whether this file has a `new Promise(...)` (executors), and spells `withResolvers`."""
    return bool(_promise_news(module)), module.mentions_with_resolvers()


def _from_with_resolvers(module: JsModule, identifier: Node) -> bool:
    bound = module.resolve(module.text(identifier), identifier)
    if bound is None or bound.kind != "value" or bound.node is None:
        return False
    value = unwrap(bound.node)
    return value.type == "call_expression" and dotted_name(value.child_by_field_name("function")) == "Promise.withResolvers"


def _deferred(module: JsModule, identifier: Node) -> bool:
    """`let resolve; new Promise((res) => { resolve = res; })`: a variable holding an executor's settler."""
    bound = module.resolve(module.text(identifier), identifier)
    if bound is None or bound.kind != "value" or (bound.node is not None and module.text(bound.node) not in ("null", "undefined")):
        return False  # a deferred settler is declared without a value and assigned in the executor
    outer = identifier
    while enclosing_function(outer) is not None:
        outer = enclosing_function(outer)
    for assignment in descendants(outer, frozenset({"assignment_expression"})):
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        if left is None or right is None or module.text(left) != module.text(identifier) or right.type != "identifier":
            continue
        executor = enclosing_function(assignment)
        if executor is not None and module.text(right) in _executor_parameters(executor):
            return module.resolve(module.text(left), left) == bound
    return False


def _deferred_member(module: JsModule, member: Node) -> bool:
    """`deferred.resolve` / `this.reject`: the settlers of a deferred object of this code (not
    `Promise.resolve`, not an import's `path.resolve`)."""
    obj = member.child_by_field_name("object")
    if module.text(member.child_by_field_name("property")) not in ("resolve", "reject") or obj is None:
        return False
    if obj.type == "this":
        return True
    if obj.type != "identifier" or module.text(obj) == "Promise":
        return False
    bound = module.resolve(module.text(obj), obj)
    return bound is not None and bound.kind in ("value", "param", "instance", "object")


def _settles(module: JsModule, identifier: Node, settlers: frozenset[str], executor: Node) -> bool:
    """`resolve` itself, or a function declared in the executor that calls it (`const done = () => resolve()`)."""
    name = module.text(identifier)
    if name in settlers:
        return True
    bound = module.resolve(name, identifier)
    if bound is None or bound.kind != "function" or bound.node is None:
        return False
    inner = bound.node
    if not (executor.start_byte <= inner.start_byte < executor.end_byte) or inner.start_byte <= identifier.start_byte < inner.end_byte:
        return False
    return any(module.text(i) in settlers for i in descendants(inner, frozenset({"identifier"})))


def resolved_inside(node: Node, inner: Node) -> bool:
    """Is `node` inside a promise executor whose `resolve` is called within `inner`? (`forEach(async …)`
    counting down to `resolve()` in an awaited `new Promise`: the promise waits for the callbacks.)"""
    current = enclosing_function(node)
    while current is not None:
        if _executor_parameters(current):
            resolve = parameter_names(current)[0]
            return any(text(i) == resolve for i in descendants(inner, frozenset({"identifier"})))
        current = enclosing_function(current)
    return False


def _named_executor(module: JsModule, function: Node) -> frozenset[str]:
    """The settlers of a function declared on its own and passed as `new Promise(waitForFlush)`."""
    if function.type not in ("function_declaration", "arrow_function", "function_expression"):
        return frozenset()
    for new in _promise_news(module):
        args = call_arguments(new)
        if args and unwrap(args[0]).type == "identifier":
            bound = module.resolve(module.text(unwrap(args[0])), args[0])
            if bound is not None and bound.kind == "function" and bound.node == function:
                return frozenset(n for n in parameter_names(function)[:2] if n)
    return frozenset()


def _promise_news(module: JsModule) -> list[Node]:
    """The module's `new Promise(...)` expressions (memoised on the module: asked per enclosing
    function of every floating promise and timer)."""
    memo = module._promise_news
    if memo is None:
        memo = module._promise_news = [
            new for new in module.news if module.is_promise_new(new)
        ]
    return memo


def _executor_parameters(function: Node) -> frozenset[str]:
    arguments = function.parent
    if arguments is None or arguments.type != "arguments":
        return frozenset()
    new = arguments.parent
    if new is None or new.type != "new_expression" or dotted_name(new.child_by_field_name("constructor")) != "Promise":
        return frozenset()
    if arguments.named_children[0] != function:
        return frozenset()
    return frozenset(n for n in parameter_names(function)[:2] if n)


def property_outcome(module: JsModule, outcome: Outcome) -> Outcome:
    """`job.done = save(x)` / `const job = { done: save(x) }` on a local object literal: FLOATING
    (with `holder` = "job.done") when no later use of `job` awaits, returns or hands on that
    property — or the object itself. Anything it cannot follow counts as handled (precision)."""
    anchor, parent = outcome.anchor, outcome.anchor.parent
    if parent is None:
        return outcome
    if parent.type == "assignment_expression" and _field_is(parent, "right", anchor):
        left = unwrap(parent.child_by_field_name("left"))
        if left.type != "member_expression" or parent.parent is None or parent.parent.type != "expression_statement":
            return outcome
        holder = unwrap(left.child_by_field_name("object"))
        prop, store = module.text(left.child_by_field_name("property")), left
    elif parent.type == "pair" and _field_is(parent, "value", anchor):
        obj, key = parent.parent, parent.child_by_field_name("key")
        declarator = obj.parent if obj is not None else None
        if key is None or key.type not in ("property_identifier", "string") or declarator is None:
            return outcome
        if declarator.type != "variable_declarator" or not _field_is(declarator, "value", obj):
            return outcome
        holder, prop, store = declarator.child_by_field_name("name"), module.text(key).strip("'\""), None
    else:
        return outcome
    function = enclosing_function(anchor)
    if holder is None or holder.type != "identifier" or function is None:
        return outcome
    name = module.text(holder)
    bound = module.resolve(name, holder)
    literal = bound.node if bound is not None and bound.kind == "object" else None
    if literal is None or not (function.start_byte <= literal.start_byte < function.end_byte):
        return outcome  # a parameter, a module object, a class instance: someone else may wait for it
    if any(unwrap(v).type in FUNCTION_TYPES for v in _pair_values(literal)) or any(
        c.type in ("method_definition", "spread_element") for c in literal.named_children
    ):
        return outcome  # an object with its own methods may wait for its fields
    for use in descendants(function, frozenset({"identifier", "shorthand_property_identifier"})):
        if use == holder or module.text(use) != name or _is_assignment_target(use) or module.resolve(name, use) != bound:
            continue
        member = use.parent
        if member is None or member.type != "member_expression" or not _field_is(member, "object", use):
            return outcome  # the object itself is returned, passed on, spread, iterated …
        if member == store:
            continue
        assigned = member.parent
        if assigned is not None and assigned.type == "assignment_expression" and _field_is(assigned, "left", member):
            continue  # another store
        if module.text(member.child_by_field_name("property")) != prop:
            if member.child_by_field_name("property") is None or member.child_by_field_name("property").type != "property_identifier":
                return outcome  # job[key]: could be any property
            continue
        if only_inspects(member):
            continue
        result = follow(member)
        if result.fate != FLOATING or unwrap(result.anchor) != member:
            return outcome  # waited for, or dropped again by a chain (`job.done.catch(…)`) reported where it floats
    return Outcome(FLOATING, anchor, holder=f"{name}.{prop}")


def _pair_values(literal: Node) -> list[Node]:
    return [v for p in literal.named_children if p.type == "pair" and (v := p.child_by_field_name("value")) is not None]

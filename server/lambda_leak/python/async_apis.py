"""Popular async libraries whose calls return coroutines (or awaitables that do nothing until
awaited), for `unawaited-coroutine`: a call of `s3.put_object(...)` on an aioboto3 client, of
`session.post(...)` on an aiohttp `ClientSession`, of `metrics.flush()` on an
aws-embedded-metrics logger, whose result is dropped, never sends anything.

The table below is the whole knowledge: *kinds* of objects, how code obtains one (a factory
call, a method of another kind, an attribute or item of another kind), and which of its
methods return coroutines. Receivers are resolved from their binding statements — `x = ...`,
`x = await ...`, `async with ... as x`, `self.x = ...` in the class — never by inference. What
cannot be resolved is unknown and stays silent.
"""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes

from lambda_leak.python.names import assigned_value, bindings, qualified

_MAX_DEPTH = 6


@dataclass(frozen=True)
class Kind:
    coroutines: frozenset[str] = frozenset()  # methods returning a coroutine
    all_but: frozenset[str] | None = None  # every method is a coroutine except these (AWS clients)
    methods: tuple[tuple[str, str], ...] = ()  # method -> kind of what it returns
    attribute: str | None = None  # kind of `x.name` / `x["name"]` (motor: client -> database)

    def returns_coroutine(self, method: str) -> bool:
        if method in self.coroutines:
            return True
        return self.all_but is not None and not method.startswith("_") and method not in self.all_but

    def method_kind(self, method: str) -> str | None:
        return dict(self.methods).get(method)


_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_REDIS_COMMANDS = frozenset(
    "get set setex setnx getdel mget mset delete unlink exists expire ttl incr incrby decr hget hset hgetall "
    "hdel hincrby lpush rpush lpop rpop lrange llen sadd srem smembers sismember zadd zrem zrange zscore "
    "publish xadd xread ping close aclose flushdb eval evalsha".split()
)
_MOTOR_COLLECTION = frozenset(
    "insert_one insert_many find_one find_one_and_update find_one_and_delete find_one_and_replace update_one "
    "update_many replace_one delete_one delete_many count_documents estimated_document_count bulk_write "
    "create_index drop_index drop distinct".split()
)
_ASYNCPG_QUERIES = frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval", "close", "copy_records_to_table"})

KINDS: dict[str, Kind] = {
    "aiohttp.ClientSession": Kind(coroutines=_HTTP_VERBS | {"ws_connect", "close"}),
    "httpx.AsyncClient": Kind(coroutines=_HTTP_VERBS | {"send", "aclose"}),
    "asyncpg.Connection": Kind(coroutines=_ASYNCPG_QUERIES | {"prepare", "reset"}),
    "asyncpg.Pool": Kind(
        coroutines=_ASYNCPG_QUERIES | {"release", "expire_connections"} - {"copy_records_to_table"},
        methods=(("acquire", "asyncpg.Connection"),),
    ),
    "redis.asyncio.Redis": Kind(coroutines=_REDIS_COMMANDS, methods=(("pipeline", "redis.asyncio.Pipeline"),)),
    "redis.asyncio.Pipeline": Kind(coroutines=frozenset({"execute", "reset", "aclose"})),
    "motor.Client": Kind(attribute="motor.Database", methods=(("get_database", "motor.Database"),)),
    "motor.Database": Kind(
        coroutines=frozenset({"command", "create_collection", "drop_collection", "list_collection_names"}),
        attribute="motor.Collection",
        methods=(("get_collection", "motor.Collection"),),
    ),
    "motor.Collection": Kind(coroutines=_MOTOR_COLLECTION),
    # aioboto3 / aiobotocore: every API call of a client is a coroutine.
    "aioboto3.Session": Kind(methods=(("client", "aws.Client"),)),
    "aiobotocore.Session": Kind(methods=(("create_client", "aws.Client"),)),
    "aws.Client": Kind(
        all_but=frozenset({"get_paginator", "get_waiter", "can_paginate", "meta", "exceptions", "register"})
    ),
    "aws_embedded_metrics.MetricsLogger": Kind(coroutines=frozenset({"flush"})),
}

# Calls (qualified names) that make an object of a kind; `asyncpg.connect` and
# `asyncpg.create_pool` are awaited first (`conn = await asyncpg.connect(...)`).
FACTORIES: dict[str, str] = {
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
    "httpx.AsyncClient": "httpx.AsyncClient",
    "asyncpg.connect": "asyncpg.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "redis.asyncio.Redis": "redis.asyncio.Redis",
    "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
    "redis.asyncio.client.Redis": "redis.asyncio.Redis",
    "redis.asyncio.RedisCluster": "redis.asyncio.Redis",
    "motor.motor_asyncio.AsyncIOMotorClient": "motor.Client",
    "aioboto3.Session": "aioboto3.Session",
    "aioboto3.session.Session": "aioboto3.Session",
    "aiobotocore.session.get_session": "aiobotocore.Session",
    "aiobotocore.session.AioSession": "aiobotocore.Session",
    "aws_embedded_metrics.logger.metrics_logger_factory.create_metrics_logger": "aws_embedded_metrics.MetricsLogger",
    "aws_embedded_metrics.logger.metrics_logger.MetricsLogger": "aws_embedded_metrics.MetricsLogger",
}
# Module-level calls that are themselves coroutines.
COROUTINE_FUNCTIONS = frozenset({"asyncpg.connect"})
# Decorators that pass the function a `metrics` argument holding a logger of a kind.
INJECTING_DECORATORS = {"aws_embedded_metrics.metric_scope": ("metrics", "aws_embedded_metrics.MetricsLogger")}


def returns_coroutine(call: nodes.Call) -> bool:
    """Whether the knowledge table says `call` returns a coroutine."""
    func = call.func
    if isinstance(func, nodes.Attribute):
        kind = kind_of(func.expr)
        if kind is not None:
            return KINDS[kind].returns_coroutine(func.attrname)
    return qualified(func) in COROUTINE_FUNCTIONS


def kind_of(expr: nodes.NodeNG, depth: int = 0) -> str | None:
    """The kind of object `expr` holds, or None when unknown."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, nodes.Await):
        return kind_of(expr.value, depth + 1)
    if isinstance(expr, nodes.Call):
        func = expr.func
        found = FACTORIES.get(qualified(func) or "")
        if found is None and isinstance(func, nodes.Attribute):
            owner = kind_of(func.expr, depth + 1)
            found = KINDS[owner].method_kind(func.attrname) if owner else None
        return found
    if isinstance(expr, (nodes.Attribute, nodes.Subscript)):
        if isinstance(expr, nodes.Attribute) and isinstance(expr.expr, nodes.Name) and expr.expr.name == "self":
            return _instance_attribute(expr, depth)
        owner = kind_of(expr.value if isinstance(expr, nodes.Subscript) else expr.expr, depth + 1)
        return KINDS[owner].attribute if owner else None
    if isinstance(expr, nodes.Name):
        for binding in reversed(bindings(expr, expr.name)):
            if isinstance(binding, nodes.AssignName):
                value = assigned_value(binding)
                if value is not None:
                    return kind_of(value, depth + 1)
                if isinstance(binding.parent, nodes.Arguments):
                    return _injected(binding)
            return None
    return None


def _instance_attribute(expr: nodes.Attribute, depth: int) -> str | None:
    """`self.session` where a method of the class assigns `self.session = aiohttp.ClientSession()`."""
    function = expr.frame()
    klass = function.parent if isinstance(function, nodes.FunctionDef) else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    kinds = set()
    for assigned in klass.instance_attrs.get(expr.attrname, []):
        statement = assigned.parent
        if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) and statement.value is not None:
            kinds.add(kind_of(statement.value, depth + 1))
    return kinds.pop() if len(kinds) == 1 else None


def _injected(parameter: nodes.AssignName) -> str | None:
    function = parameter.frame()
    if not isinstance(function, nodes.FunctionDef) or not function.decorators:
        return None
    for decorator in function.decorators.nodes:
        injected = INJECTING_DECORATORS.get(qualified(decorator) or "")
        if injected and injected[0] == parameter.name:
            return injected[1]
    return None

"""The calls, `new`s and functions a module lists come in one order for one text: tree-sitter
returns nodes that start together (`a().b()` and `a()`) in either order from one parse to the
next, and whatever reads the calls in order (a first-seen piece of evidence) must not depend on it."""

from lambda_leak.javascript import parser
from lambda_leak.javascript.module import JsModule, query_nodes
from lambda_leak.source import SourceText

CHAINS = """\
export const handler = async (event) => {
  const item = client.send(command).promise().then((x) => x.Item).catch((e) => log(e));
  first().second().third();
  new Promise((resolve) => setTimeout(resolve, 10)).then(() => done());
  return db.query(sql).then((rows) => rows.map((row) => row.id));
};
""" * 12


def _spans(nodes) -> list[tuple[int, int]]:
    return [(n.start_byte, n.end_byte) for n in nodes]


def test_nodes_that_start_together_come_outer_first_in_every_parse():
    data = CHAINS.encode()
    seen = set()
    for _ in range(30):
        nodes = query_nodes("javascript", parser.parse(data, "javascript").root_node)
        for listed in (nodes.calls, nodes.news, nodes.functions):
            spans = _spans(listed)
            assert spans == sorted(spans, key=lambda span: (span[0], -span[1]))
        assert nodes.call_starts == [start for start, _ in _spans(nodes.calls)]
        seen.add(tuple(_spans(nodes.calls)))
    assert len(seen) == 1


def test_a_module_lists_its_chained_calls_outer_first():
    source = SourceText("/tmp/handler.js", "exports.handler = async () => { a().b().c(); };\n", "javascript")
    module = JsModule(source, parser.parse(source.data, source.language))
    assert [source.data[n.start_byte:n.end_byte].decode() for n in module.calls] == ["a().b().c()", "a().b()", "a()"]


def test_by_start_orders_any_listing_of_nested_spans():
    import random
    from collections import namedtuple

    from lambda_leak.javascript.module import _by_start

    Span = namedtuple("Span", "start_byte end_byte")
    spans = [Span(s, e) for s in range(0, 60, 3) for e in range(s + 1, s + 1 + s % 4 + 1)]
    want = sorted(spans, key=lambda n: (n.start_byte, -n.end_byte))
    rng = random.Random(7)
    for _ in range(200):
        listed = sorted(spans, key=lambda n: (n.start_byte, rng.random())) if rng.random() < 0.8 else rng.sample(spans, len(spans))
        nodes, starts = _by_start(listed)
        assert nodes == want and starts == [n.start_byte for n in want]

"""Handler discovery is memoised on the module per (names, declared names): each question gets the
answer a fresh module gives, whatever was asked before, and callers get their own list."""

from lambda_leak.javascript import parser
from lambda_leak.javascript.handlers import discover
from lambda_leak.javascript.module import JsModule
from lambda_leak.source import SourceText

CODE = """
exports.handler = async (event) => { await save(event); };
exports.other = async (event) => event;
exports.main = (event, context, callback) => callback(null, event);
async function save(event) { return event; }
"""


def _module(text: str = CODE) -> JsModule:
    source = SourceText("/project/src/app.js", text, "javascript")
    return JsModule(source, parser.parse(source.data, source.language))


def _names(handlers) -> list[str]:
    return [h.name for h in handlers]


def _spans(handlers) -> list[tuple]:
    """What a handler is, comparable across parses (nodes of two trees never compare equal)."""
    return [(h.name, h.function.start_byte, h.export_node.start_byte, h.wrapper) for h in handlers]


def test_each_question_gets_a_fresh_modules_answer_whatever_was_asked_before():
    module = _module()
    questions = [
        (("handler",), frozenset()),
        (("handler",), frozenset({"other"})),
        (("main", "handler"), frozenset()),
        (("handler",), frozenset()),
        (("handler",), frozenset({"other"})),
    ]
    for patterns, declared in questions:
        assert _spans(discover(module, patterns, declared)) == _spans(discover(_module(), patterns, declared))
    assert _names(discover(module, ("handler",))) == ["handler"]
    assert _names(discover(module, ("handler",), frozenset({"other"}))) == ["handler", "other"]


def test_callers_get_their_own_list_and_listed_names_are_asked_as_they_are():
    module = _module()
    first = discover(module, ("handler",))
    first.clear()
    assert _names(discover(module, ("handler",))) == ["handler"]
    assert _names(discover(module, ["main"])) == ["main"]  # a list of patterns cannot be a memo key


def test_a_new_version_of_the_file_is_a_new_module_with_its_own_answers():
    before = _module()
    assert _names(discover(before, ("handler",))) == ["handler"]
    after = _module(CODE.replace("exports.handler", "exports.renamed"))
    assert _names(discover(after, ("handler",))) == []

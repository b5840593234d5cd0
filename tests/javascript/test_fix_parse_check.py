"""A fix is offered only if the file still parses with it: `parser.parses_replaced` answers that
from the file's tree (re-using what lies outside the fix) and must answer as a parse afresh does."""

from __future__ import annotations

import pytest

from lambda_leak.javascript import parser
from lambda_leak.source import SourceText

HANDLER = """\
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({});

function save(key, body, callback) {
  s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: key, Body: body }))
    .then(() => callback(null), callback);
}

exports.handler = function (event, context, callback) {
  const ratio = event.total / event.count / 2;  // division, not a regex
  save(`${event.id}/${ratio}`, JSON.stringify(event), (error) => {
    if (error) return callback(error);
    callback(null, { statusCode: 200 });
  });
};
"""

TSX = """\
export const Row = (props: { name: string }) => <div className="row">{props.name}</div>;
export async function handler(event: { id: string }): Promise<string> {
  return `${event.id}`;
}
"""


def _cases(text: str) -> list[tuple[int, int, str]]:
    data = text.encode()
    at = lambda fragment: data.index(fragment.encode())  # noqa: E731
    handler = at("exports.handler")
    body_end = len(data) - 1
    save = at("function save")
    return [
        (handler, body_end, "exports.handler = async (event) => {\n  await save(event.id, '');\n  return { ok: true };\n};"),
        (handler, body_end, "exports.handler = async (event) => {\n  await save(event.id, '';\n};"),  # broken
        (at(", callback)"), at(", callback)") + len(", callback"), ""),  # a parameter removed
        (at("event.total /"), at("event.total /") + len("event.total /"), "/event.total"),  # a regex opened
        (at("${event.id}"), at("${event.id}") + len("${event.id}"), "${event.id"),  # a template left open
        (save, save, "// a comment\n"),  # an insertion
        (save, save, "/* open comment\n"),
        (handler, handler + len("exports"), "module.exports"),
        (0, 0, "'use strict';\n\n"),
        (len(data), len(data), "\nexports.other = async () => {};\n"),
        (len(data), len(data), "\nexports.other = async () => {\n"),
        (at("é") if "é" in text else 0, at("é") + 2 if "é" in text else 0, "e"),
        (at("(error) re") + 6, at("(error) re") + 7, ""),  # one `)` deleted (or replaced): broken
        (at("(error) re") + 6, at("(error) re") + 7, "x"),
        (at("statusCode:") + 10, at("statusCode:") + 11, ""),
        (at("(event, context"), at("(event, context") + 1, ""),
        (at(".total /") + 1, at(".total /") + 6, ""),
    ]


@pytest.mark.parametrize("text", [HANDLER, HANDLER.replace("const ratio", "const naïve = 'é';\n  const ratio")])
def test_answers_as_a_parse_afresh(text: str):
    data = text.encode()
    tree = parser.parse(data, "javascript")
    answers = []
    for start, end, new in _cases(text):
        afresh = parser.syntax_ok((data[:start] + new.encode() + data[end:]).decode(), "javascript")
        assert parser.parses_replaced(tree, SourceText("f", data.decode(), "javascript"), start, end, new) == afresh, (start, end, new)
        answers.append(afresh)
    assert True in answers and False in answers  # both answers are met
    assert not tree.root_node.has_changes  # the file's own tree is not edited (its analysis still reads it)


def test_typescript_too():
    data = b"export async function handler(event: { id: string }): Promise<string> {\n  return event.id;\n}\n"
    tree = parser.parse(data, "typescript")
    start = data.index(b": Promise<string>")
    for new in (": Promise<string>", ": Promise<string", "", ": string[]"):
        afresh = parser.syntax_ok((data[:start + 0] + new.encode() + data[start + len(b": Promise<string>"):]).decode(), "typescript")
        assert parser.parses_replaced(tree, SourceText("f", data.decode(), "typescript"), start, start + len(b": Promise<string>"), new) == afresh
    assert not parser.parses_replaced(tree, SourceText("f", data.decode(), "typescript"), start, start + len(b": Promise<string>"), ": Promise<string")


def test_typescript_and_jsx_too():
    data = TSX.encode()
    tree = parser.parse(data, "tsx")
    start = data.index(b"<div")
    end = data.index(b"</div>") + len(b"</div>")
    for new, expected in (("<span>{props.name}</span>", True), ("<span>{props.name</span>", False), ("null", True)):
        assert parser.syntax_ok((data[:start] + new.encode() + data[end:]).decode(), "tsx") is expected
        assert parser.parses_replaced(tree, SourceText("f", data.decode(), "tsx"), start, end, new) is expected

"""How fast `lambda-leak check` is: run with `make bench` (not a timed test).

Generates a SAM project of N handler files (JavaScript and TypeScript, CommonJS and ESM) that
import shared library modules through relative paths, index files and re-exports, with a
`template.yaml` naming every function, then reports:
  - files/s and MB/s of a whole `check` run, in-process and as the `lambda-leak` command,
    with one worker and with the automatic (parallel) choice;
  - the share of a one-worker run spent in tree-sitter parsing;
  - the cost of the workspace index (IaC discovery + summaries) on top of parsing;
  - the wall time for the 1,000-handler tree (target: under 2 s on 2 cores).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from lambda_leak import cli  # noqa: E402
from lambda_leak.files import iter_source_files, read_source  # noqa: E402
from lambda_leak.javascript import parser  # noqa: E402
from lambda_leak.source import SourceText, language_for  # noqa: E402
from lambda_leak.workspace import Workspace  # noqa: E402
from lambda_leak.workspace import roots as deployment  # noqa: E402

LIBRARIES = {
    "src/lib/db.js": """\
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});

async function save(item) {
  return client.send(new PutItemCommand({ TableName: process.env.TABLE, Item: item }));
}

function audit(entry) {
  setTimeout(() => console.log('audit', entry), 10);
}

class Repository {
  async find(id) { return { id }; }
  load(id) { return this.find(id); }
}

module.exports = { save, audit, Repository };
""",
    "src/lib/http.mjs": """\
import axios from 'axios';

export async function post(url, body) {
  const response = await axios.post(url, body);
  return response.data;
}

export const notify = (message) => fetch('https://hooks.example.com', { method: 'POST', body: message });
""",
    "src/lib/index.js": """\
module.exports = {
  ...require('./db'),
  metrics: require('./metrics'),
};
""",
    "src/lib/metrics.js": """\
exports.flush = async () => { await new Promise((resolve) => setTimeout(resolve, 5)); };
exports.count = (name) => name.length;
""",
    "src/shared/queue.ts": """\
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({});

export async function enqueue(body: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: body }));
}

export function schedule(body: string): void {
  setInterval(() => enqueue(body), 1000);
}
""",
    "src/shared/index.ts": """\
export * from './queue.js';
export { post as postJson } from '../lib/http.mjs';
""",
}

HANDLER_VARIANTS = [
    (
        "js",
        """\
const {{ save, audit }} = require('../lib/db');
const metrics = require('../lib/metrics');

exports.handler{n} = async (event) => {{
  const items = event.Records.map((r) => JSON.parse(r.body));
  for (const item of items) {{
    await save(item);
  }}
  save({{ id: 'last-{n}' }});
  audit(items.length);
  metrics.flush();
  return {{ statusCode: 200, body: JSON.stringify({{ count: items.length }}) }};
}};
""",
    ),
    (
        "mjs",
        """\
import {{ post, notify }} from '../lib/http.mjs';

export const handler{n} = async (event) => {{
  const result = await post('https://api.example.com/{n}', event);
  notify(`done ${{result.id}}`);
  return {{ statusCode: 200, body: JSON.stringify(result) }};
}};
""",
    ),
    (
        "ts",
        """\
import {{ enqueue, postJson }} from '../shared/index.js';
import type {{ SQSEvent }} from 'aws-lambda';

export const handler{n} = async (event: SQSEvent): Promise<void> => {{
  await Promise.all(event.Records.map((record) => enqueue(record.body)));
  postJson('https://api.example.com/{n}', {{ size: event.Records.length }});
}};
""",
    ),
    (
        "js",
        """\
const lib = require('../lib');
const repo = new lib.Repository();

exports.handler{n} = (event, context, callback) => {{
  lib.save(event).then(() => callback(null, {{ ok: true }}), callback);
}};
""",
    ),
]


def generate(root: Path, handlers: int) -> int:
    """Write the corpus; returns the number of source bytes."""
    total = 0
    for relative, text in LIBRARIES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        total += len(text)
    resources = []
    for n in range(handlers):
        extension, template = HANDLER_VARIANTS[n % len(HANDLER_VARIANTS)]
        text = template.format(n=n)
        path = root / "src" / f"h{n // 100:02d}" / f"fn{n}.{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        total += len(text)
        resources.append(
            f"  Fn{n}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            f"      CodeUri: src/h{n // 100:02d}/\n      Handler: fn{n}.handler{n}\n"
            f"      Events:\n        Api:\n          Type: Api\n          Properties:\n"
            f"            Path: !Sub '/fn{n}'\n            Method: post\n"
        )
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Function:\n    Runtime: nodejs20.x\n    Timeout: 10\nResources:\n" + "".join(resources)
    )
    (root / "template.yaml").write_text(template)
    return total


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def run_check(root: Path, *extra: str) -> tuple[float, int]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        seconds, _ = timed(cli.main, ["check", str(root), "--format", "json", "--exit-zero", *extra])
    return seconds, out.getvalue().count('"rule"')


def parse_all(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        text = read_source(path, 10 << 20).text
        source = SourceText(str(path), text, language_for(str(path)))
        parser.parse(source.data, source.language)
    return time.perf_counter() - start


def best(runs: int, function, *args):
    results = [function(*args) for _ in range(runs)]
    return min(results, key=lambda r: r[0] if isinstance(r, tuple) else r)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--handlers", type=int, default=1000)
    options.add_argument("--runs", type=int, default=3, help="best of N")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="lambda-leak-bench-") as folder:
        root = Path(folder)
        size = generate(root, args.handlers)
        files = list(iter_source_files([root]))
        megabytes = size / 1e6
        print(f"corpus: {len(files)} files ({args.handlers} handlers), {megabytes:.2f} MB, template.yaml with "
              f"{args.handlers} functions; {os.cpu_count()} cores")

        parse_seconds = best(args.runs, parse_all, files)
        iac_seconds = best(args.runs, lambda: timed(deployment.declared_handlers, [root]))[0]
        index_seconds = best(args.runs, lambda: timed(Workspace.for_paths, [root]))[0]
        serial, findings = best(args.runs, run_check, root, "--jobs", "1")
        parallel, parallel_findings = best(args.runs, run_check, root)
        assert findings == parallel_findings, (findings, parallel_findings)

        command = [str(Path(sys.executable).parent / "lambda-leak"), "check", str(root), "--exit-zero", "--format", "json"]
        if not Path(command[0]).exists():
            command = [sys.executable, "-m", "lambda_leak", *command[1:]]
        wall = best(args.runs, lambda: timed(subprocess.run, command, subprocess.DEVNULL)[0:1])[0]

        print(f"findings: {findings}")
        print(f"check, 1 worker:        {serial:6.2f} s  {len(files) / serial:7.0f} files/s  {megabytes / serial:5.2f} MB/s")
        print(f"check, automatic jobs:  {parallel:6.2f} s  {len(files) / parallel:7.0f} files/s  {megabytes / parallel:5.2f} MB/s")
        print(f"lambda-leak command:    {wall:6.2f} s wall (process start-up included)")
        print(f"tree-sitter parsing:    {parse_seconds:6.2f} s  = {100 * parse_seconds / serial:4.1f}% of a 1-worker check")
        print(f"workspace index:        {index_seconds:6.2f} s  (IaC discovery {iac_seconds:.2f} s, parsing "
              f"{parse_seconds:.2f} s, summaries {max(0.0, index_seconds - iac_seconds - parse_seconds):.2f} s); "
              f"the check reuses its parse trees")
        target = "met" if wall < 2.0 else "NOT met"
        print(f"target (1,000-handler tree under 2 s on 2 cores): {target} ({wall:.2f} s for {args.handlers} handlers)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

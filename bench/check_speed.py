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
import resource
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


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the check's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_check(root: Path, *extra: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, number of findings) of one in-process `check`."""
    out, err = io.StringIO(), io.StringIO()
    cpu = cpu_seconds()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        seconds, _ = timed(cli.main, ["check", str(root), "--format", "json", "--exit-zero", "--no-cache", *extra])
    return seconds, cpu_seconds() - cpu, out.getvalue().count('"rule"')


def parse_all(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        text = read_source(path, 10 << 20).text
        source = SourceText(str(path), text, language_for(str(path)))
        parser.parse(source.data, source.language)
    return time.perf_counter() - start


def command_seconds(command: list[str]) -> tuple[float, float]:
    cpu, start = cpu_seconds(), time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, cpu_seconds() - cpu


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

        parse_seconds = min(parse_all(files) for _ in range(args.runs))
        iac_seconds = min(timed(deployment.declared_handlers, [root])[0] for _ in range(args.runs))
        index_seconds = min(timed(Workspace.for_paths, [root])[0] for _ in range(args.runs))
        serial = min(run_check(root, "--jobs", "1") for _ in range(args.runs))
        parallel = min(run_check(root) for _ in range(args.runs))
        assert serial[2] == parallel[2], (serial, parallel)

        command = [str(Path(sys.executable).parent / "lambda-leak"), "check", str(root), "--exit-zero", "--format", "json", "--no-cache"]
        if not Path(command[0]).exists():
            command = [sys.executable, "-m", "lambda_leak", *command[1:]]
        wall, wall_cpu = min(command_seconds(command) for _ in range(args.runs))
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

        print(f"findings: {serial[2]} (the same with one worker and with several)")
        for label, (seconds, cpu, _) in (("check, 1 worker:", serial), ("check, automatic jobs:", parallel)):
            print(f"{label:24}{seconds:6.2f} s wall  {cpu:5.2f} s CPU  {len(files) / seconds:6.0f} files/s  "
                  f"{megabytes / seconds:5.2f} MB/s")
        print(f"{'lambda-leak command:':24}{wall:6.2f} s wall  {wall_cpu:5.2f} s CPU  (process start-up included)")
        print(f"{'tree-sitter parsing:':24}{parse_seconds:6.2f} s  = {100 * parse_seconds / serial[0]:4.1f}% of a 1-worker check")
        summaries = max(0.0, index_seconds - iac_seconds - parse_seconds)
        print(f"{'workspace index:':24}{index_seconds:6.2f} s  = IaC discovery {iac_seconds:.2f} s + parsing "
              f"{parse_seconds:.2f} s + summaries {summaries:.2f} s; the analysis reuses the parsed trees")
        verdict = "met" if wall < 2.0 else "NOT met"
        print(f"target, {args.handlers:,}-handler tree under 2 s on 2 cores: {verdict} ({wall:.2f} s wall; "
              f"load average {load:.1f} on {os.cpu_count()} cores while measuring)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark the Python analyser: 1,000 generated handler files, analysed like `lambda-leak check`.

Reports files/s, the share of time spent building astroid trees, and the ratio to parsing
the same files with the standard library's `ast` (the target is within 3x).

    .venv/bin/python bench/python_speed.py [--files 1000]
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from astroid import rebuilder

from lambda_leak.python import parsing, pruning

HEADER = '''"""Order service {n}: generated for the benchmark."""
import json
import logging
import os

import boto3

logger = logging.getLogger(__name__)
TABLE = os.environ.get("TABLE", "orders-{n}")
dynamodb = boto3.resource("dynamodb")
'''

HELPERS = '''

def validate_{n}_{i}(order):
    if not order.get("id"):
        raise ValueError("missing id")
    total = 0
    for line in order.get("lines", []):
        total += line["price"] * line.get("quantity", 1)
    return {{"id": order["id"], "total": round(total, 2)}}


def store_{n}_{i}(item):
    table = dynamodb.Table(TABLE)
    table.put_item(Item=item)
    logger.info("stored %s", item["id"])
    return item
'''

HANDLERS = [
    # plain synchronous handler: the common case
    '''

def lambda_handler(event, context):
    body = json.loads(event.get("body") or "{{}}")
    item = validate_{n}_0(body)
    store_{n}_0(item)
    return {{"statusCode": 200, "body": json.dumps(item)}}
''',
    # a fire-and-forget thread (a leak)
    '''
import threading


def lambda_handler(event, context):
    item = validate_{n}_0(json.loads(event["body"]))
    threading.Thread(target=store_{n}_0, args=(item,)).start()
    return {{"statusCode": 202}}
''',
    # an executor used properly
    '''
from concurrent.futures import ThreadPoolExecutor, as_completed

POOL = ThreadPoolExecutor(max_workers=4)


def handler(event, context):
    futures = [POOL.submit(store_{n}_0, validate_{n}_0(r)) for r in event["Records"]]
    return [f.result() for f in as_completed(futures)]
''',
    # asyncio with a dangling task
    '''
import asyncio


async def publish_{n}(item):
    await asyncio.sleep(0)
    return store_{n}_0(item)


async def main_{n}(event):
    asyncio.create_task(publish_{n}(event))
    results = await asyncio.gather(*(publish_{n}(r) for r in event["Records"]))
    return results


def lambda_handler(event, context):
    return asyncio.run(main_{n}(event))
''',
    # a class-based service behind a decorated handler
    '''
from aws_lambda_powertools import Logger

log = Logger()


class Service_{n}:
    def __init__(self):
        self.table = dynamodb.Table(TABLE)

    def process(self, record):
        item = validate_{n}_0(record)
        self.table.put_item(Item=item)
        return item


@log.inject_lambda_context
def orders_handler(event, context):
    service = Service_{n}()
    return [service.process(r) for r in event.get("Records", [])]
''',
]


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        helpers = "".join(HELPERS.format(n=n, i=i) for i in range(rng.randint(1, 4)))
        text = HEADER.format(n=n) + helpers + HANDLERS[n % len(HANDLERS)].format(n=n)
        path = folder / f"service_{n:04d}" / "app.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def _timed(_unused, *names):
    """Wrap module attributes to add their CPU time to a counter; returns (counter, restore)."""
    spent = [0.0]
    saved = []
    for owner, name in names:
        original = getattr(owner, name)
        saved.append((owner, name, original))

        def timed(*args, _original=original, **kwargs):
            began = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - began

        setattr(owner, name, timed)

    def restore():
        for owner, name, original in saved:
            setattr(owner, name, original)

    return spent, restore


def _analyse_all(texts) -> tuple[float, float, float, int, int]:
    """One analysis of every file: (total, astroid rebuild, parse+prune, findings, parsed files)."""
    parsing._BUFFERS.clear()
    rebuild, restore_rebuild = _timed(None, (rebuilder.TreeRebuilder, "visit_module"))
    build, restore_build = _timed(None, (parsing, "_build"))
    config = Config()
    findings = 0
    try:
        start = time.process_time()
        for path, text in texts:
            report = analyse_source(path, text, config)
            assert report.error is None, (path, report.error)
            findings += len(report.findings)
        total = time.process_time() - start
    finally:
        restore_rebuild()
        restore_build()
    return total, rebuild[0], build[0] - rebuild[0], findings, len(parsing._BUFFERS)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.files)
        texts = [(str(p), p.read_text()) for p in paths]
        size = sum(len(t) for _, t in texts)
        leaky = [(path, text) for path, text in texts if pruning.might_fire(text, path)]
        parsed = len(leaky)

        ast_seconds = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            for path, text in texts:
                ast.parse(text, path)
            ast_seconds = min(ast_seconds, time.process_time() - start)

        ast_parsed = float("inf")  # the same, for the files that mention a leak API only
        for _ in range(args.repeat):
            start = time.process_time()
            for path, text in leaky:
                ast.parse(text, path)
            ast_parsed = min(ast_parsed, time.process_time() - start)
        parsed_run = min(_analyse_all(leaky) for _ in range(args.repeat))[0]

        # The first run pays astroid's and the rules' one-time imports; count it like a CLI run would.
        runs = [_analyse_all(texts) for _ in range(args.repeat)]
        total, rebuild, parse_prune, findings, _ = min(runs)
        first = runs[0][0]

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; CPU time, best of {args.repeat}")
    print(f"{len(texts)} handler files, {size / 1024:.0f} KiB; {parsed} mention a leak API and are parsed; {findings} findings")
    print(f"ast.parse of every file:  {ast_seconds:6.2f} s  ({len(texts) / ast_seconds:6.0f} files/s)")
    print(f"lambda-leak analysis:     {total:6.2f} s  ({len(texts) / total:6.0f} files/s; first run {first:.2f} s)")
    print(f"  astroid tree rebuild:   {rebuild:6.2f} s  ({100 * rebuild / total:.0f}% of the analysis)")
    print(f"  ast.parse + pruning:    {parse_prune:6.2f} s  ({100 * parse_prune / total:.0f}%)")
    print(f"  checks, paths, rules:   {total - rebuild - parse_prune:6.2f} s  ({100 * (total - rebuild - parse_prune) / total:.0f}%)")
    print(f"analysis / ast.parse:     {total / ast_seconds:.1f}x (target: within 3x)")
    print(f"  on the {parsed} parsed files alone: {parsed_run:.2f} s vs {ast_parsed:.2f} s, {parsed_run / ast_parsed:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
from lambda_leak.python import parsing

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.files)
        texts = [(str(p), p.read_text()) for p in paths]
        size = sum(len(t) for _, t in texts)

        start = time.process_time()
        for path, text in texts:
            ast.parse(text, path)
        ast_seconds = time.process_time() - start

        building = [0.0]
        original = parsing._build

        def timed_build(*args, **kwargs):
            began = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                building[0] += time.process_time() - began

        parsing._build = timed_build
        config = Config()
        findings = 0
        start = time.process_time()
        for path, text in texts:
            report = analyse_source(path, text, config)
            assert report.error is None, (path, report.error)
            findings += len(report.findings)
        total = time.process_time() - start
        parsing._build = original

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{len(texts)} files, {size / 1024:.0f} KiB, {findings} findings")
    print(f"ast.parse only:       {ast_seconds:6.2f} s  ({len(texts) / ast_seconds:7.0f} files/s)")
    print(f"lambda-leak analysis: {total:6.2f} s  ({len(texts) / total:7.0f} files/s)")
    print(f"  in astroid builds:  {building[0]:6.2f} s  ({100 * building[0] / total:.0f}% of the analysis)")
    print(f"analysis / ast.parse: {total / ast_seconds:.1f}x (target: within 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

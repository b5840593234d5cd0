"""Benchmark `lambda-leak check` on a Python repository shaped like real ones.

Real Lambda repositories are not 1,000 small handlers: they hold samples with big modules full
of classes, shared helper packages, and libraries vendored next to the handler (the deployment
package's `requests/`, `urllib3/`, ...), whose modules mention threads, executors and asyncio
without being on any handler path. This script generates such a tree (deterministic: the same
files for the same arguments) and times a one-worker `check` of it in-process (CPU seconds), then
the `lambda-leak check` command with its automatic jobs (wall and CPU seconds, workers included).

    .venv/bin/python bench/python_repo.py [--samples 40] [--keep DIR] [--findings OUT.json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from lambda_leak import cli  # noqa: E402

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Function{k}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.{entry}
      Runtime: python3.12
"""

APP = '''\
"""Sample {k}: the API behind the order screen."""
import json
import logging
import os

from helpers import audit_{k}, enrich_{k}
from services.orders import OrderService{k}
{vendored_import}
logger = logging.getLogger(__name__)
SERVICE = OrderService{k}(os.environ.get("TABLE", "orders"))


def {entry}(event, context):
    body = json.loads(event.get("body") or "{{}}")
    order = enrich_{k}(body)
    result = SERVICE.place(order)
    audit_{k}(result)
{vendored_call}    return {{"statusCode": 200, "body": json.dumps(result)}}
'''

HELPERS = '''\
"""Helpers shared by the handlers of sample {k}."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

_POOL = ThreadPoolExecutor(max_workers=2)


def enrich_{k}(order):
    order = dict(order)
    order["received"] = time.time()
    return order


def audit_{k}(result):
    {audit}


def _write_audit(result):
    print("audit", result)


def warm_cache_{k}(keys):
    """Not on a handler path: called by a script only."""
    worker = threading.Thread(target=_write_audit, args=(keys,))
    worker.start()
'''

AUDITS = [
    "threading.Thread(target=_write_audit, args=(result,)).start()  # a leak on the handler path",
    "_POOL.submit(_write_audit, result).result()",
    "_write_audit(result)",
]

METHOD = '''
    def {name}(self, {arg}):
        """{doc}"""
        values = [{arg}] if not isinstance({arg}, list) else list({arg})
        total = 0
        for index, value in enumerate(values):
            if isinstance(value, dict):
                total += len(value)
            elif value is None:
                continue
            else:
                total += index
        self._history.append(("{name}", total))
        return {call}
'''

CLASS = '''

class {name}:
    """{doc}"""

    def __init__(self, table):
        self.table = table
        self._history = []
{methods}'''

ORDERS_HEAD = '''\
"""Orders: the domain model and its service for sample {k}."""
import decimal
import json
import logging
import uuid

logger = logging.getLogger(__name__)
'''

PLACE = '''
    def place(self, order):
        order["id"] = str(uuid.uuid4())
        self.validate(order)
        {place}
        return order
'''

PLACES = ["self.table_put(order)", "self.publish(order)", "self.total(order)"]

LIB_HEAD = '''\
"""{pkg}.{mod}: part of a vendored HTTP client library (generated for the benchmark)."""
from __future__ import annotations

import asyncio
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

from .{sibling} import {sibling_class}

log = logging.getLogger(__name__)
_lock = threading.Lock()
'''

LIB_CLASS = '''

class {name}({base}):
    """Connection handling, part {i}."""

    default_timeout = 30

    def __init__(self, host, port=443, **options):
        self.host = host
        self.port = port
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=options.get("workers", 4))
        self._closed = False

    def _default_handler(self, response):
        return response

    def request(self, method, url, body=None, headers=None):
        with _lock:
            headers = dict(headers or {{}})
            headers.setdefault("Host", self.host)
            future = self._pool.submit(self._send, method, url, body, headers)
            return future.result(timeout=self.default_timeout)

    def _send(self, method, url, body, headers):
        lines = [f"{{method}} {{url}} HTTP/1.1"]
        lines += [f"{{k}}: {{v}}" for k, v in sorted(headers.items())]
        payload = "\\r\\n".join(lines).encode() + b"\\r\\n\\r\\n" + (body or b"")
        sock = socket.create_connection((self.host, self.port), timeout=self.default_timeout)
        try:
            sock.sendall(payload)
            return sock.recv(65536)
        finally:
            sock.close()

    def keepalive(self, interval):
        thread = threading.Thread(target=self._ping, args=(interval,), daemon=True)
        thread.start()
        return thread

    def _ping(self, interval):
        while not self._closed:
            self.request("HEAD", "/")

    async def arequest(self, method, url):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.request, method, url)

    def close(self):
        self._closed = True
        self._pool.shutdown(wait=False)
{methods}'''


def _methods(rng: random.Random, count: int, prefix: str) -> str:
    out = []
    for m in range(count):
        name = f"{prefix}_{m}"
        call = "total" if m == 0 else f"self.{prefix}_{rng.randrange(m)}(values)"
        out.append(METHOD.format(name=name, arg=rng.choice(["item", "record", "values"]), doc=f"Step {m}.", call=call))
    return "".join(out)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(folder: Path, samples: int = 40, seed: int = 13) -> int:
    """Writes the tree; returns the number of Python files."""
    rng = random.Random(seed)
    count = 0
    for k in range(samples):
        sample = folder / f"sample-{k:03d}"
        src = sample / "src"
        entry = "lambda_handler" if k % 3 else "handler"
        vendored = k % 2 == 0
        _write(sample / "template.yaml", TEMPLATE.format(k=k, entry=entry))
        _write(src / "app.py", APP.format(
            k=k, entry=entry,
            vendored_import=f"from vendlib{k} import client as http\n" if vendored else "",
            vendored_call="    http.Client0('example.com').request('GET', '/')\n" if vendored else "",
        ))
        _write(src / "helpers.py", HELPERS.format(k=k, audit=AUDITS[k % len(AUDITS)]))
        _write(src / "services" / "__init__.py", "")
        classes = []
        for c in range(rng.randint(4, 8)):
            classes.append(CLASS.format(name=f"Model{c}", doc=f"Model {c} of sample {k}.",
                                        methods=_methods(rng, rng.randint(6, 14), "step")))
        service = CLASS.format(name=f"OrderService{k}", doc="The service the handler calls.",
                               methods=_methods(rng, 8, "rule")).rstrip("\n") + "\n" + PLACE.format(place=PLACES[k % 3])
        service += "\n    def validate(self, order):\n        return bool(order)\n"
        service += "\n    def table_put(self, order):\n        return self.table\n"
        service += "\n    def total(self, order):\n        return decimal.Decimal(0)\n"
        service += ("\n    def publish(self, order):\n        import threading\n"
                    "        threading.Thread(target=print, args=(order,)).start()\n")
        _write(src / "services" / "orders.py", ORDERS_HEAD.format(k=k) + "".join(classes) + service)
        _write(src / "services" / "models.py", ORDERS_HEAD.format(k=k) + "".join(
            CLASS.format(name=f"Record{c}", doc="A record.", methods=_methods(rng, rng.randint(8, 16), "field"))
            for c in range(rng.randint(3, 6))))
        _write(sample / "tests" / "test_app.py", f"from app import {entry}\n\n\ndef test_handler():\n"
               f"    assert {entry}({{}}, None)['statusCode'] == 200\n")
        count += 6
        if vendored:
            package = src / f"vendlib{k}"
            modules = ["client"] + [f"mod{i}" for i in range(rng.randint(10, 16))]
            _write(package / "__init__.py", f'"""vendlib{k}"""\nfrom .client import Client0\n')
            count += 1
            for i, module in enumerate(modules):
                sibling = modules[(i + 1) % len(modules)]
                body = LIB_HEAD.format(pkg=f"vendlib{k}", mod=module, sibling=sibling, sibling_class="Client0")
                for c in range(rng.randint(2, 4)):
                    body += LIB_CLASS.format(name=f"Client{c}", base="object", i=c,
                                             methods=_methods(rng, rng.randint(4, 10), "option"))
                _write(package / f"{module}.py", body)
                count += 1
    return count


def check(folder: Path) -> tuple[float, float, list]:
    """(CPU seconds, wall seconds, findings) of a one-worker `check` of `folder`."""
    out = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["check", str(folder), "--format", "json", "--exit-zero", "--jobs", "1", "--no-cache"])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu, wall, _relative(json.loads(out.getvalue()), folder)


def _relative(findings: list, folder: Path) -> list:
    for finding in findings:
        finding["path"] = os.path.relpath(finding["path"], folder)
    return findings


def check_command(folder: Path) -> tuple[float, float, list]:
    """(CPU seconds of the process and its workers, wall seconds, findings) of the `lambda-leak check`
    command with its automatic jobs (two workers on two cores), in a process of its own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lambda_leak", "check", str(folder), "--format", "json", "--exit-zero",
                           "--no-cache"], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, _relative(json.loads(done.stdout), folder)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--findings", metavar="OUT", help="write the findings (JSON, relative paths)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        files = generate(folder, args.samples)
        size = sum(p.stat().st_size for p in folder.rglob("*.py"))
        cpu, wall, findings = check(folder)
        command_cpu, command_wall, command_findings = check_command(folder)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"python repo: {args.samples} samples, {files} Python files, {size / 1e6:.1f} MB; {len(findings)} findings")
    print(f"check, one worker: {cpu:.2f} s CPU, {wall:.2f} s wall")
    same = "the same findings" if sorted(map(repr, command_findings)) == sorted(map(repr, findings)) else "OTHER FINDINGS"
    print(f"the command, automatic jobs: {command_cpu:.2f} s CPU, {command_wall:.2f} s wall ({same})")
    if args.findings:
        Path(args.findings).write_text(json.dumps(findings, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

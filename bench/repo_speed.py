"""`lambda-leak check` on a tree shaped like a real collection of Lambda samples, side by side with
oxlint and ruff: run with `make bench` or `python bench/repo_speed.py` (a benchmark, not a test).

The generated tree mirrors the size distribution of a large public samples repository: ~1,150
JavaScript/TypeScript files (handlers, shared modules, CDK stacks), ~1,450 Python files (small
handlers, CDK apps, and vendored libraries of big modules with classes), ~390 SAM templates
and other YAML, and ~4,300 JSON files (pattern descriptions, package.json, events, vendored
service models). oxlint (npm) and ruff (PyPI) are installed by this script into a cache folder
(`--tools`, default ~/.cache/lambda-leak-bench), never into the project.

Each tool runs `--runs` times, interleaved; wall time and peak RSS (the largest process) are
medians. Printed: the ratio `lambda-leak / (oxlint + ruff)` (target <= 2), peak RSS (target
<= 200 MB), and an unchanged re-run with the cache (target <= 0.3 s). `--tree DIR` measures an
existing folder instead of the generated one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import calibration  # noqa: E402
from check_speed import HANDLER_VARIANTS, LIBRARIES  # noqa: E402 - the same handler shapes

PATTERNS = 390  # one SAM template each (plus a few CDK apps)
NODE_LIBRARIES = ("src/lib/db.js", "src/lib/http.mjs")  # of check_speed.LIBRARIES, per Node.js pattern
VENDORED_PACKAGES = 3  # folders of vendored Python libraries
VENDORED_MODULES = 330  # modules per vendored package
VENDORED_DATA = 2300  # JSON data files shipped inside vendored packages

PY_HANDLER = '''\
import json
import os
import threading

import boto3

from .helpers import record_{n}

TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t{n}"))


def lambda_handler(event, context):
    items = [json.loads(r["body"]) for r in event.get("Records", [])]
    for item in items:
        TABLE.put_item(Item=item)
    threading.Thread(target=record_{n}, args=(len(items),)).start()
    return {{"statusCode": 200, "body": json.dumps({{"count": len(items)}})}}
'''

PY_HELPERS = '''\
import logging

LOG = logging.getLogger(__name__)


def record_{n}(count):
    LOG.info("processed %s", count)
    return count
'''

PY_CDK = '''\
from aws_cdk import Duration, Stack
from aws_cdk import aws_lambda as _lambda
from constructs import Construct


class Pattern{n}Stack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        _lambda.Function(
            self, "Fn{n}",
            runtime=_lambda.Runtime.PYTHON_3_12,
            handler="app.lambda_handler",
            code=_lambda.Code.from_asset("src"),
            timeout=Duration.seconds(10),
        )
'''

TS_CDK = """\
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {{ Construct }} from 'constructs';

export class Pattern{n}Stack extends cdk.Stack {{
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {{
    super(scope, id, props);
    new lambda.Function(this, 'Fn{n}', {{
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset('src'),
    }});
  }}
}}
"""


def vendored_module(rng: random.Random, package: int, n: int) -> str:
    """A library module like those vendored into a Lambda layer: classes with many methods."""
    parts = ['"""Vendored library module (generated)."""', "import os", "import threading",
             "from collections import OrderedDict", ""]
    for c in range(rng.randint(2, 4)):
        parts += [f"class Client{package}_{n}_{c}(object):", f'    """A client class {c}."""', "",
                  "    def __init__(self, session, config=None):", "        self._session = session",
                  "        self._config = config or {}", "        self._cache = OrderedDict()", ""]
        for m in range(rng.randint(3, 8)):
            parts += [
                f"    def operation_{m}(self, name, *args, **kwargs):",
                f"        key = (name, {m}, tuple(sorted(kwargs)))",
                "        if key in self._cache:",
                "            return self._cache[key]",
                "        result = []",
                "        for index, value in enumerate(args):",
                "            if isinstance(value, dict):",
                "                result.append({k: v for k, v in value.items() if k != 'secret'})",
                "            elif value is None:",
                "                continue",
                "            else:",
                f"                result.append((index, str(value), {m}))",
                "        self._cache[key] = result",
                "        return result",
                "",
            ]
        parts += ["    def refresh_in_background(self):",
                  "        worker = threading.Thread(target=self._cache.clear, daemon=True)",
                  "        worker.start()", "        return worker", ""]
    parts += [f"def create_client_{n}(session):", f"    return Client{package}_{n}_0(session)", ""]
    return "\n".join(parts)


def template(n: int, functions: list[tuple[str, str, str]]) -> str:
    resources = []
    for name, code_uri, handler in functions:
        runtime = "python3.12" if handler.startswith("app.") else "nodejs20.x"
        resources.append(
            f"  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: {code_uri}\n"
            f"      Handler: {handler}\n      Runtime: {runtime}\n      Policies:\n"
            f"        - DynamoDBCrudPolicy:\n            TableName: !Ref Table\n"
            f"      Environment:\n        Variables:\n          TABLE: !Ref Table\n"
            f"      Events:\n        Api:\n          Type: Api\n          Properties:\n"
            f"            Path: !Sub '/p{n}/{name}'\n            Method: post\n"
        )
    for q in range(6):  # the other resources a real template carries
        resources.append(
            f"  Queue{q}:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n"
            f"      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt Dlq.Arn\n        maxReceiveCount: 3\n"
            f"      Tags:\n        - Key: pattern\n          Value: p{n}\n"
        )
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
        f"Description: Pattern {n}\nParameters:\n  Stage:\n    Type: String\n    Default: dev\n"
        "Globals:\n  Function:\n    Timeout: 10\n    MemorySize: 256\nResources:\n"
        "  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n"
        "      AttributeDefinitions:\n        - AttributeName: id\n          AttributeType: S\n"
        "      KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n"
        "  Dlq:\n    Type: AWS::SQS::Queue\n"
        + "".join(resources)
        + "Outputs:\n  Api:\n    Value: !Sub 'https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/'\n"
    )


def generate(root: Path, seed: int = 13) -> dict[str, int]:
    """Write the tree; returns file counts by kind."""
    rng = random.Random(seed)
    counts = {"js/ts": 0, "python": 0, "yaml": 0, "json": 0}

    def write(relative: str, text: str, kind: str) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        counts[kind] += 1

    handler_number = 0
    for p in range(PATTERNS):
        folder = f"pattern-{p:03d}"
        functions = []
        if p % 3 == 2:  # a Python pattern
            write(f"{folder}/src/app.py", PY_HANDLER.format(n=p), "python")
            write(f"{folder}/src/helpers.py", PY_HELPERS.format(n=p), "python")
            write(f"{folder}/src/__init__.py", "", "python")
            functions.append((f"Fn{p}", "src/", "app.lambda_handler"))
            if p % 9 == 2:
                write(f"{folder}/cdk/stack.py", PY_CDK.format(n=p), "python")
                write(f"{folder}/cdk.json", json.dumps({"app": "python3 app.py"}), "json")
        else:  # a Node.js pattern: shared modules and 2-3 handlers
            for relative in NODE_LIBRARIES:
                write(f"{folder}/{relative}", LIBRARIES[relative], "js/ts")
            for h in range(2 + p % 2):
                extension, body = HANDLER_VARIANTS[handler_number % len(HANDLER_VARIANTS)]
                group = f"h{h:02d}"
                write(f"{folder}/src/{group}/fn{handler_number}.{extension}", body.format(n=handler_number), "js/ts")
                functions.append((f"Fn{handler_number}", f"src/{group}/", f"fn{handler_number}.handler{handler_number}"))
                handler_number += 1
            write(f"{folder}/package.json", json.dumps({"name": folder, "version": "1.0.0",
                                                        "dependencies": {"@aws-sdk/client-sqs": "^3"}}, indent=2), "json")
            if p % 4 == 1:
                write(f"{folder}/tsconfig.json", json.dumps({"compilerOptions": {"target": "ES2022"}}, indent=2), "json")
            if p % 5 == 0:
                write(f"{folder}/cdk/lib/stack.ts", TS_CDK.format(n=p), "js/ts")
                write(f"{folder}/cdk.json", json.dumps({"app": "npx ts-node bin/app.ts"}), "json")
        write(f"{folder}/template.yaml", template(p, functions), "yaml")
        write(f"{folder}/example-pattern.json", json.dumps({
            "title": f"Pattern {p}", "description": "Generated pattern " * 20,
            "deploy": {"text": ["sam build", "sam deploy --guided"]},
            "authors": [{"name": f"Author {p}", "bio": "Writes samples. " * 10}]}, indent=2), "json")
        for e in range(3):
            write(f"{folder}/events/event{e}.json", json.dumps({"Records": [{"body": json.dumps({"id": i})} for i in range(20)]},
                                                                indent=2), "json")
        if p % 6 == 0:
            write(f"{folder}/.github/workflow.yml", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
                  "    steps:\n      - uses: actions/checkout@v4\n      - run: sam build\n", "yaml")
    for v in range(VENDORED_PACKAGES):
        base = f"pattern-{v * 7:03d}/layer/python/vendorlib{v}"
        for n in range(VENDORED_MODULES):
            write(f"{base}/sub{n % 12}/module{n}.py", vendored_module(rng, v, n), "python")
        for n in range(VENDORED_DATA // VENDORED_PACKAGES):
            operations = {f"Operation{i}": {"input": {"shape": f"Input{i}"}, "documentation": "Does a thing. " * 8}
                          for i in range(rng.randint(5, 60))}
            write(f"{base}/data/service{n}/service-2.json", json.dumps({"version": "2.0", "operations": operations},
                                                                       indent=1), "json")
    return counts


# -- the other tools ----------------------------------------------------------------------------


def install_tools(cache: Path) -> tuple[Path, Path]:
    """oxlint from npm and ruff from PyPI, into `cache` (once)."""
    oxlint = cache / "npm" / "node_modules" / ".bin" / "oxlint"
    ruff = cache / "pip" / "bin" / "ruff"
    if not oxlint.exists():
        subprocess.run(["npm", "install", "--prefix", str(cache / "npm"), "--no-audit", "--no-fund", "oxlint"],
                       check=True, stdout=subprocess.DEVNULL)
    if not ruff.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(cache / "pip"), "ruff"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return oxlint, ruff


def version_of(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB of the largest process of the run, CPU seconds of all its
    processes: steadier than wall time on a shared machine)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return time.perf_counter() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def lambda_leak_command() -> list[str]:
    executable = Path(sys.executable).parent / "lambda-leak"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "lambda_leak"]


def supports(option: str) -> bool:
    help_text = subprocess.run([*lambda_leak_command(), "check", "--help"], capture_output=True, text=True).stdout
    return option in help_text


def machine() -> str:
    cpu = platform.processor()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3, help="runs of each tool (medians are reported)")
    options.add_argument("--tools", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                         / "lambda-leak-bench", help="where oxlint and ruff are installed")
    options.add_argument("--tree", type=Path, help="measure this folder instead of the generated tree")
    args = options.parse_args()
    try:
        oxlint, ruff = install_tools(args.tools)
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"repo_speed: cannot install oxlint (npm) and ruff (pip) into {args.tools}: {error}") from None
    with tempfile.TemporaryDirectory(prefix="lambda-leak-repo-") as folder:
        if args.tree:
            root = args.tree.resolve()
            print(f"tree: {root}")
        else:
            root = Path(folder) / "repo"
            counts = generate(root)
            size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6
            print("generated tree: " + ", ".join(f"{n:,} {kind}" for kind, n in counts.items()) + f"; {size:.0f} MB")
        cache_dir = Path(folder) / "cache"
        ours = lambda_leak_command()
        cold = [*ours, "check", ".", "--exit-zero"]  # text output, like the other two
        warm = None
        if supports("--no-cache"):
            cold.append("--no-cache")
            warm = [*ours, "check", ".", "--exit-zero", "--cache-dir", str(cache_dir)]
        tools = {
            "lambda-leak": cold,
            "oxlint": [str(oxlint), "."],
            "ruff": [str(ruff), "check", "--no-cache", "--exit-zero", "."],
        }
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, command in tools.items():
                results[name].append(measure(command, root))
        rerun: list[tuple[float, float, float]] = []
        if warm is not None:
            measure(warm, root)  # fills the cache
            rerun = [measure(warm, root) for _ in range(args.runs)]
        load = os.getloadavg()[0]
    wall = {name: statistics.median(run[0] for run in runs) for name, runs in results.items()}
    rss = {name: statistics.median(run[1] for run in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(run[2] for run in runs) for name, runs in results.items()}
    print(f"machine: {machine()}; load average {load:.1f} while measuring; {calibration.describe()}")
    print(f"versions: {version_of([*ours, '--version'])}, oxlint {version_of([str(oxlint), '--version'])}, "
          f"{version_of([str(ruff), '--version'])}")
    for name in tools:
        print(f"{name + ':':14}{wall[name]:6.2f} s wall, {cpu[name]:5.2f} s CPU (medians of {args.runs})  "
              f"peak RSS {rss[name]:4.0f} MB")
    ratio = wall["lambda-leak"] / (wall["oxlint"] + wall["ruff"])
    # two decimals: "2.0x ... NOT met" (2.04) read as a contradiction
    print(f"ratio lambda-leak / (oxlint + ruff): {ratio:.2f}x wall  (target <= 2x: {'met' if ratio <= 2 else 'NOT met'}); "
          f"{cpu['lambda-leak'] / (cpu['oxlint'] + cpu['ruff']):.2f}x in CPU time")
    # Each round runs the three back to back: its ratio is spared the machine's drift between rounds.
    rounds = sorted(mine[0] / (ox[0] + rf[0]) for mine, ox, rf in zip(results["lambda-leak"], results["oxlint"], results["ruff"]))
    print(f"  per round: {', '.join(f'{r:.2f}x' for r in rounds)} (median {statistics.median(rounds):.2f}x)")
    print(f"peak RSS: {rss['lambda-leak']:.0f} MB  (target <= 200 MB: {'met' if rss['lambda-leak'] <= 200 else 'NOT met'})")
    if rerun:
        again = statistics.median(run[0] for run in rerun)
        again_cpu = statistics.median(run[2] for run in rerun)
        print(f"re-run, nothing changed (cache): {again:.2f} s wall, {again_cpu:.2f} s CPU  "
              f"(target <= 0.3 s: {'met' if again <= 0.3 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

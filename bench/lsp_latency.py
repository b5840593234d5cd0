"""Language-server latency and memory: run with `python bench/lsp_latency.py` (a benchmark, not a test).

Drives the real `lambda-leak server` over stdio, like an editor that takes push diagnostics:
  1. a generated workspace of 1,000 handler files (plus shared libraries) is indexed in the
     background; the server's RSS is read from /proc once `$/progress` reports the end;
  2. a ~3,600-line handler file is opened, then edited 50 times, one single-line edit at a
     time; each latency runs from sending `didChange` to the arrival of the `publishDiagnostics`
     for that version (its JSON read; this client's own conversion into objects is not
     counted). Reports p50/p95 (targets: p95 <= 30 ms, RSS <= 150 MB);
  3. then a statement is typed into the handler one character at a time (no bracket closing, so
     some versions do not parse): p50/p95 of those, for what typing feels like (no target).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibration  # noqa: E402
from lambda_leak.files import iter_source_files  # noqa: E402
from lambda_leak.javascript.parser import syntax_ok  # noqa: E402

LIBRARY = """\
const {{ DynamoDBClient, PutItemCommand }} = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({{}});

async function save{n}(item) {{
  return client.send(new PutItemCommand({{ TableName: process.env.TABLE, Item: item }}));
}}

function audit{n}(entry) {{
  console.log('audit', entry);
}}

module.exports = {{ save{n}, audit{n} }};
"""

HANDLER = """\
const {{ save{lib}, audit{lib} }} = require('../lib/lib{lib}');

exports.handler = async (event) => {{
  const items = (event.Records || []).map((r) => JSON.parse(r.body));
  for (const item of items) {{
    await save{lib}(item);
  }}
  audit{lib}(items.length);
  return {{ statusCode: 200, body: JSON.stringify({{ count: items.length, n: {n} }}) }};
}};
"""


TYPED = "const saved = await step5(event);"  # a statement that declares a name


def big_handler(steps: int = 400) -> str:
    """About 3,600 lines: helpers, then a handler awaiting each one (and leaking a few)."""
    parts = ["const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
             "const db = new DynamoDBClient({});", ""]
    for i in range(steps):
        parts += [
            f"async function step{i}(event) {{",
            f"  const item = {{ id: `${{event.id}}-{i}`, value: {i} }};",
            "  if (item.value % 3 === 0) {",
            f"    await db.send(new PutItemCommand({{ TableName: 'Table{i}', Item: item }}));",
            "  }",
            "  return item;",
            "}",
            "",
        ]
    parts += ["exports.handler = async (event) => {", "  const results = [];"]
    for i in range(steps):
        parts.append(f"  results.push(await step{i}(event));")
        if i % 50 == 7:
            parts.append(f"  step{i}(event);")  # a floating promise
    parts += ["  return results;", "};", ""]
    return "\n".join(parts)


def make_workspace(root: Path, files: int) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "handlers").mkdir()
    libraries = 50
    for n in range(libraries):
        (root / "lib" / f"lib{n}.js").write_text(LIBRARY.format(n=n))
    for n in range(files - libraries - 1):
        (root / "handlers" / f"h{n}.js").write_text(HANDLER.format(n=n, lib=n % libraries))
    big = root / "handlers" / "big.js"
    big.write_text(big_handler())
    return big


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("lsp-latency-bench", "1")
        self.published: dict[tuple[str, int | None], float] = {}
        self.arrived = asyncio.Event()
        self.indexed = asyncio.Event()
        # A latency ends when the diagnostics' message has arrived and its JSON is read: before this
        # (pygls) client converts it into protocol objects, which is the client's cost, not the server's.
        convert = self.protocol.structure_message

        def arrival(data):
            if data.get("method") == lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS and "jsonrpc" in data:
                params = data.get("params") or {}
                self.published.setdefault((params.get("uri"), params.get("version")), time.perf_counter())
            return convert(data)

        self.protocol.structure_message = arrival

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: lsp.PublishDiagnosticsParams):
            self.published.setdefault((params.uri, params.version), time.perf_counter())
            self.arrived.set()

        @self.feature(lsp.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create(params):
            return None

        @self.feature(lsp.PROGRESS)
        def progress(params: lsp.ProgressParams):
            if isinstance(params.value, dict) and params.value.get("kind") == "end":
                self.indexed.set()

        @self.feature(lsp.WORKSPACE_CONFIGURATION)
        def configuration(params: lsp.ConfigurationParams):
            return [None for _ in params.items]

        @self.feature(lsp.WINDOW_LOG_MESSAGE)
        def log_message(params):
            return None

    async def wait_published(self, uri: str, version: int) -> float:
        while (uri, version) not in self.published:
            self.arrived.clear()
            await self.arrived.wait()
        return self.published[(uri, version)]


def engine_time(path: Path, text: str, runs: int = 5) -> float:
    """The engine alone on the same text, in this process (with its previous tree, as the
    server does): what the server's latency is made of, besides the protocol."""
    from lambda_leak.config import Config
    from lambda_leak.engine import analyse_source

    tree = analyse_source(str(path), text, Config()).syntax_tree
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        tree = analyse_source(str(path), text, Config(), None, tree.copy()).syntax_tree
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(files: int, edits: int, profile: str | None = None, verbose: bool = False,
              existing: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="lsp-bench-") as folder:
        root = Path(folder)
        big = make_workspace(root, files)
        if existing is not None:  # index that folder instead; the big file joins it as a second workspace folder
            files = sum(1 for _ in iter_source_files([existing]))
        client = Client()
        profiler = ["-m", "cProfile", "-o", profile] if profile else []
        await client.start_io(sys.executable, *profiler, "-m", "lambda_leak", "server")
        capabilities = lsp.ClientCapabilities(
            window=lsp.WindowClientCapabilities(work_done_progress=True),
            workspace=lsp.WorkspaceClientCapabilities(configuration=True),
            text_document=lsp.TextDocumentClientCapabilities(
                publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True)),
        )
        # Drain the server's log so a chatty server never blocks on a full pipe.
        log_lines: list[str] = []

        async def drain():
            while line := await client._server.stderr.readline():
                log_lines.append(line.decode(errors="replace").rstrip())

        drainer = asyncio.get_running_loop().create_task(drain())
        started = time.perf_counter()
        await client.initialize_async(lsp.InitializeParams(
            initialization_options={"logLevel": "debug"} if verbose else None,
            capabilities=capabilities, process_id=os.getpid(), root_uri=(existing or root).as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=(existing or root).as_uri(), name="bench")]))
        client.initialized(lsp.InitializedParams())
        await asyncio.wait_for(client.indexed.wait(), 300)
        index_seconds = time.perf_counter() - started
        await asyncio.sleep(0.5)  # let the collector settle before reading memory
        memory = rss_mb(client._server.pid)

        text = big.read_text()
        uri = big.as_uri()
        opened = time.perf_counter()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="javascript", version=1, text=text)))
        await asyncio.wait_for(client.wait_published(uri, 1), 60)
        first = time.perf_counter() - opened
        # Re-analyses after indexing may still be queued: let them pass before timing edits.
        await asyncio.sleep(1.0)

        lines = text.split("\n")
        handler_lines = [i for i, line in enumerate(lines) if line.startswith("  results.push(")][::5]
        latencies = []
        for version in range(2, edits + 2):
            line_no = handler_lines[(version * 37) % len(handler_lines)]
            line = lines[line_no]
            # Each edit adds or removes a floating promise: the findings change every time.
            if line.startswith("  results.push("):
                new = line.replace("results.push(await ", "", 1).replace("));", ");", 1)
            else:
                new = line.replace("  ", "  results.push(await ", 1).replace(");", "));", 1)
            lines[line_no] = new
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(line_no, 0), lsp.Position(line_no, len(line))), text=new)
            sent = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))
            received = await asyncio.wait_for(client.wait_published(uri, version), 60)
            latencies.append((received - sent) * 1000)
        # Then a statement typed into the handler one character at a time on a line of its own, as an
        # editor that closes no brackets sends it: some versions do not parse (a fresh analysis each).
        big_file_lines = len(lines)
        line_no = handler_lines[len(handler_lines) // 2]
        version = edits + 2
        blank = lsp.Position(line_no, 0)
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangePartial(range=lsp.Range(blank, blank), text="  \n")]))
        await asyncio.wait_for(client.wait_published(uri, version), 60)
        lines.insert(line_no, "  ")
        typing, broken = [], 0
        for character in TYPED:
            version += 1
            where = lsp.Position(line_no, len(lines[line_no]))
            lines[line_no] += character
            sent = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangePartial(range=lsp.Range(where, where), text=character)]))
            received = await asyncio.wait_for(client.wait_published(uri, version), 60)
            typing.append((received - sent) * 1000)
            broken += not syntax_ok("\n".join(lines), "javascript")
        memory_after = rss_mb(client._server.pid)
        engine_ms = engine_time(big, "\n".join(lines))
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        drainer.cancel()
        if verbose:
            print("\n".join(line for line in log_lines if "analysed" in line), file=sys.stderr)
    return {
        "files": files,
        "big_file_lines": big_file_lines,
        "index_seconds": index_seconds,
        "rss_after_index_mb": memory,
        "rss_after_edits_mb": memory_after,
        "first_diagnostics_ms": first * 1000,
        "p50_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": max(latencies),
        "engine_ms": engine_ms,
        "typing_p50_ms": statistics.median(typing),
        "typing_p95_ms": percentile(typing, 0.95),
        "typing_broken": broken,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--profile", metavar="FILE", help="run the server under cProfile, writing FILE")
    parser.add_argument("--verbose", action="store_true", help="print the server's analysis times")
    parser.add_argument("--workspace", type=Path, help="index this folder (a real repository) instead of the generated one")
    args = parser.parse_args()
    result = asyncio.run(run(args.files, args.edits, args.profile, args.verbose, args.workspace))
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}; {calibration.describe()}")
    print(f"workspace: {result['files']} files indexed in {result['index_seconds']:.1f} s; "
          f"server RSS {result['rss_after_index_mb']:.0f} MB after indexing (target <= 150 MB), "
          f"{result['rss_after_edits_mb']:.0f} MB after the edits")
    print(f"{result['big_file_lines']}-line handler: first diagnostics in {result['first_diagnostics_ms']:.0f} ms")
    print(f"didChange -> publishDiagnostics over {args.edits} edits: p50 {result['p50_ms']:.1f} ms, "
          f"p95 {result['p95_ms']:.1f} ms (target <= 30 ms), max {result['max_ms']:.1f} ms")
    print(f"the engine alone on that file (in-process, median of 5): {result['engine_ms']:.1f} ms")
    print(f"typing `{TYPED}` into its handler, one character per didChange: p50 {result['typing_p50_ms']:.1f} ms, "
          f"p95 {result['typing_p95_ms']:.1f} ms ({result['typing_broken']} of {len(TYPED)} versions do not parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What `lambdaLeak.diagnostics = "workspace"` costs: run with `python bench/workspace_problems.py`.

Drives the real `lambda-leak server` over stdio (a push client, like Neovim) on the generated
1,000-file workspace of `lsp_latency.py`, once per mode, and reports for each: the time from
`initialized` until the server is done (the index built; in workspace mode, every file's
diagnostics published), its CPU time, and its RSS then. Then, in workspace mode, the time until
the dependents of a changed library file are published again. Last, as a pull client (VS Code),
what each of the `workspace/diagnostic` requests VS Code repeats every 2 s costs once all is listed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_latency import Client, make_workspace, rss_mb  # noqa: E402
from lsprotocol import types as lsp  # noqa: E402

from lambda_leak.files import iter_source_files  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def start(root: Path, mode: str, text_document: lsp.TextDocumentClientCapabilities):
    """The real server over stdio, initialized on `root`: (client, its stderr drainer, started at)."""
    client = Client()
    await client.start_io(sys.executable, "-m", "lambda_leak", "server")

    async def drain():
        while await client._server.stderr.readline():
            pass

    drainer = asyncio.get_running_loop().create_task(drain())
    capabilities = lsp.ClientCapabilities(
        window=lsp.WindowClientCapabilities(work_done_progress=True),
        workspace=lsp.WorkspaceClientCapabilities(configuration=True),
        text_document=text_document)
    started = time.perf_counter()
    await client.initialize_async(lsp.InitializeParams(
        initialization_options={"diagnostics": mode}, capabilities=capabilities, process_id=os.getpid(),
        root_uri=root.as_uri(), workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="bench")]))
    return client, drainer, started


async def measure(root: Path, mode: str) -> dict:
    files = [p.as_uri() for p in iter_source_files([root])]
    client, drainer, started = await start(
        root, mode, lsp.TextDocumentClientCapabilities(publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    await asyncio.wait_for(client.indexed.wait(), 600)
    if mode == "workspace":
        while len({uri for uri, _ in client.published}) < len(files):
            client.arrived.clear()
            await asyncio.wait_for(client.arrived.wait(), 600)
    ready = time.perf_counter() - started
    pid = client._server.pid
    result = {"mode": mode, "files": len(files), "ready_s": ready, "cpu_s": cpu_seconds(pid), "rss_mb": rss_mb(pid)}
    if mode == "workspace":
        lib = root / "lib" / "lib0.js"
        lib.write_text(lib.read_text().replace("function audit0", "async function audit0"))
        client.published.clear()
        sent = time.perf_counter()
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=lib.as_uri(), type=lsp.FileChangeType.Changed)]))
        dependents = 1 + sum(1 for p in (root / "handlers").glob("h*.js") if int(p.stem[1:]) % 50 == 0)
        while len({uri for uri, _ in client.published}) < dependents - 1:  # lib0 itself has no findings either way
            client.arrived.clear()
            await asyncio.wait_for(client.arrived.wait(), 120)
        result["change_s"] = time.perf_counter() - sent
        result["republished"] = len({uri for uri, _ in client.published})
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    drainer.cancel()
    return result


async def measure_pull(root: Path) -> dict:
    """A pull client (VS Code): until `workspace/diagnostic` lists every file, then the cost of
    the pulls VS Code repeats every 2 s, with the previous result ids (all unchanged)."""
    files = [p.as_uri() for p in iter_source_files([root])]
    client, drainer, started = await start(
        root, "workspace", lsp.TextDocumentClientCapabilities(diagnostic=lsp.DiagnosticClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    while True:
        report = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
        if len(report.items) >= len(files):
            break
        await asyncio.sleep(0.2)
    ready = time.perf_counter() - started
    previous = [lsp.PreviousResultId(uri=item.uri, value=item.result_id) for item in report.items]
    pid = client._server.pid
    cpu_before, pulls = cpu_seconds(pid), 10
    sent = time.perf_counter()
    for _ in range(pulls):
        await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=previous))
    per_pull = (time.perf_counter() - sent) / pulls
    server_cpu = (cpu_seconds(pid) - cpu_before) / pulls
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    drainer.cancel()
    return {"files": len(files), "ready_s": ready, "pull_ms": per_pull * 1000, "pull_cpu_ms": server_cpu * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for mode in ("openFiles", "workspace"):
        with tempfile.TemporaryDirectory(prefix="ws-problems-") as folder:
            make_workspace(Path(folder), args.files)
            r = asyncio.run(measure(Path(folder), mode))
        line = f"{r['mode']:>9}: {r['files']} files, ready in {r['ready_s']:.2f} s, server CPU {r['cpu_s']:.2f} s, RSS {r['rss_mb']:.0f} MB"
        if "change_s" in r:
            line += f"; a library change re-published {r['republished']} dependents in {r['change_s']:.2f} s"
        print(line, flush=True)
    with tempfile.TemporaryDirectory(prefix="ws-problems-") as folder:
        make_workspace(Path(folder), args.files)
        r = asyncio.run(measure_pull(Path(folder)))
    print(f"     pull: {r['files']} files listed in {r['ready_s']:.2f} s; each repeated workspace/diagnostic "
          f"(VS Code sends one every 2 s) {r['pull_ms']:.0f} ms, {r['pull_cpu_ms']:.0f} ms of server CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`check` on worker processes: deployment files read by the workers, each file read once, the same
findings as one process, and one process again when a worker dies."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tree_helpers import run_check, write_tree

from lambda_leak.files import read_status_and_bytes
from lambda_leak.iac import HandlerDiscovery, discovery
from lambda_leak.workspace import Workspace, crew as workers_start, parallel

PROJECT = {
    "sam/template.yaml": """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Orders:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/py/
              Handler: orders.receive
              Runtime: python3.12
          Refunds:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/py/
              Handler: refunds.reverse
              Runtime: python3.12
          Notify:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/node/
              Handler: notify.send
              Runtime: nodejs20.x
    """,
    "sam/src/py/orders.py": """
        import threading


        def audit(order):
            return order


        def receive(event, context):
            threading.Thread(target=audit, args=(event,)).start()
            return {"statusCode": 202}
    """,
    "sam/src/node/notify.js": """
        const { publish } = require('./topic');

        exports.send = async (event) => {
          publish(event.detail);
          return { ok: true };
        };
    """,
    "sam/src/node/topic.js": """
        exports.publish = async (detail) => {
          setTimeout(() => console.log('published', detail), 10);
        };
    """,
    # a CDK stack is a source file to check and a deployment file: its worker reads it once for both
    "cdk/cdk.json": '{"app": "npx ts-node bin/app.ts"}\n',
    "cdk/lib/stack.ts": """
        import * as cdk from 'aws-cdk-lib';
        import * as lambda from 'aws-cdk-lib/aws-lambda';
        import { Construct } from 'constructs';

        export class ReportsStack extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            new lambda.Function(this, 'Reports', {
              runtime: lambda.Runtime.NODEJS_20_X,
              handler: 'reports.build',
              code: lambda.Code.fromAsset('lambda'),
            });
          }
        }
    """,
    "cdk/lambda/reports.js": """
        exports.build = async () => {
          const pending = fetch('https://example.com/report');
          return { started: true };
        };
    """,
    "sls/serverless.yml": """
        service: jobs
        provider:
          name: aws
          runtime: python3.12
        functions:
          tick:
            handler: jobs.tick
    """,
    "sls/jobs.py": """
        import asyncio


        async def flush():
            return 1


        def tick(event, context):
            loop = asyncio.get_event_loop()
            loop.create_task(flush())
            return "ok"
    """,
    # a helper of a declared handler: found by walking up from it to the handlers that import it
    "sam/src/py/ledger.py": """
        import threading


        def write(entry):
            threading.Thread(target=print, args=(entry,)).start()
    """,
    "sam/src/py/refunds.py": """
        from ledger import write


        def reverse(event, context):
            write(event)
    """,
    "data/event.json": '{"Records": [{"body": "{}"}]}\n',
    "data/model.json": '{"Type": "AWS::Serverless::Function", "note": "mentions the type, declares nothing"}\n',
}

# Each of these depends on a handler a deployment file declares (none is named `handler`).
EXPECTED = [
    ("cdk/lambda/reports.js", "floating-promise", 2, 19),
    ("sam/src/node/notify.js", "floating-promise", 4, 3),
    ("sam/src/node/topic.js", "timer-leak", 2, 3),
    ("sam/src/py/ledger.py", "thread-leak", 5, 5),
    ("sam/src/py/orders.py", "thread-leak", 9, 5),
    ("sls/jobs.py", "dangling-task", 10, 5),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_tree(tmp_path, PROJECT)
    (tmp_path / "sam/src/node/blob.js").write_bytes(b"\x00\x01 not text")
    return tmp_path


def test_one_process_finds_what_the_deployment_declares(project, capsys):
    found, errors = run_check(capsys, project, extra=("--jobs", "1"))
    assert found == EXPECTED
    assert "blob.js: binary file, skipped" in errors


# Stand-ins the workers run: module-level, since the pool pickles the functions it sends by name.
_RUN = {"parent": 0, "log": ""}
_REAL_READ, _REAL_FIRST = discovery._read, parallel._read_share


def _logged_read(name, *more):
    with open(_RUN["log"], "a") as log:
        log.write(f"{os.getpid()} {os.path.basename(name)}\n")
    return _REAL_READ(name, *more)


def _dies_in_a_worker(*args):
    if os.getpid() != _RUN["parent"]:
        Path(_RUN["log"]).write_text("died\n")
        os._exit(3)  # a crash in the worker, as a segfault in a parser would be
    return _REAL_FIRST(*args)


@pytest.fixture
def workers(tmp_path, monkeypatch):
    """Two workers, forked (as on Linux) even if a test before this one left a thread behind."""
    _RUN.update(parent=os.getpid(), log=str(tmp_path / "log.txt"))
    monkeypatch.setattr(workers_start, "_can_fork", lambda: True)
    return ("--jobs", "2")


def test_workers_read_the_deployment_files_and_find_the_same(project, capsys, monkeypatch, workers):
    monkeypatch.setattr(discovery, "_read", _logged_read)
    monkeypatch.setattr(parallel, "_read_while_workers_start", lambda unowned, tf_files, shares_read: ({}, unowned))
    found, errors = run_check(capsys, project, extra=workers)
    assert found == EXPECTED
    assert errors.count("blob.js: binary file, skipped") == 1
    reads = [line.split() for line in Path(_RUN["log"]).read_text().splitlines()]
    assert {pid for pid, _ in reads} & {str(os.getpid())} == set()  # all of them in the workers
    assert len({pid for pid, _ in reads}) == 2
    assert sorted(name for _, name in reads).count("template.yaml") == 1
    assert {"template.yaml", "serverless.yml", "stack.ts", "orders.py", "event.json"} <= {name for _, name in reads}


def _slow_share(*args):
    if os.getpid() != _RUN["parent"]:
        time.sleep(1.0)  # a worker that starts late, as when the zygote builds astroid's builtins
    return _REAL_FIRST(*args)


def test_the_check_reads_unowned_deployment_files_while_its_workers_start(project, capsys, monkeypatch, workers):
    """Deployment files in folders that hold none of the workers' files are read by the check while
    its workers start; the others by the workers, which have their bytes. None is read twice, and the
    findings are the same."""
    monkeypatch.setattr(discovery, "_read", _logged_read)
    monkeypatch.setattr(parallel, "_read_share", _slow_share)
    found, _ = run_check(capsys, project, extra=workers)
    assert found == EXPECTED
    reads = [line.split() for line in Path(_RUN["log"]).read_text().splitlines()]
    names = [name for _, name in reads]
    assert [names.count(name) for name in ("template.yaml", "serverless.yml", "stack.ts", "orders.py", "event.json")] == [1] * 5
    here = {name for pid, name in reads if pid == str(os.getpid())}
    assert {"template.yaml", "event.json", "model.json"} <= here  # sam/ and data/ hold no source file
    assert here.isdisjoint({"serverless.yml", "orders.py", "stack.ts"})  # in sources' folders: the workers'


def test_where_fork_is_unsafe_workers_start_afresh_and_find_the_same(project, capsys, monkeypatch):
    """Another thread in this process (or no fork at all): no zygote, but executors whose workers
    start a fresh interpreter (forkserver or spawn) and import for themselves."""
    started = []
    real = workers_start._context
    monkeypatch.setattr(workers_start, "_can_fork", lambda: False)
    monkeypatch.setattr(workers_start, "_context", lambda: started.append(real()) or started[-1])
    found, errors = run_check(capsys, project, extra=("--jobs", "2", "--no-cache"))
    assert found == EXPECTED
    assert errors.count("blob.js: binary file, skipped") == 1 and "internal error" not in errors
    assert [context.get_start_method() for context in started] == ["forkserver"]


def _no_seqpacket(*args, **kwargs):
    raise OSError(93, "Protocol not supported")  # as socketpair(AF_UNIX, SOCK_SEQPACKET) on macOS


def _zygote_import_fails():
    raise ImportError("a broken install")


@pytest.mark.parametrize("how", ["cannot-start", "dies-preparing"])
def test_without_a_zygote_the_crew_starts_its_workers_afresh_and_finds_the_same(project, capsys, monkeypatch, workers, how):
    """No zygote (the platform cannot make its socket pair: executors instead) or a zygote that
    dies before it forks (its imports fail: so do the executors', and this process checks alone):
    the run finds what one process finds, and says nothing of it."""
    from lambda_leak import cli
    from lambda_leak.workspace import forked

    monkeypatch.setattr(cli, "_CREW_STEP", 1)
    monkeypatch.setattr(workers_start, "PARALLEL_THRESHOLD", 1)
    if how == "cannot-start":
        monkeypatch.setattr(forked.socket, "socketpair", _no_seqpacket)
    else:
        monkeypatch.setattr(workers_start, "_import_analysers", _zygote_import_fails)
    started = []
    real = workers_start._context
    monkeypatch.setattr(workers_start, "_context", lambda: started.append(real()) or started[-1])
    found, errors = run_check(capsys, project, extra=("--jobs", "2", "--no-cache"))
    assert found == EXPECTED
    assert errors.count("blob.js: binary file, skipped") == 1 and "internal error" not in errors
    if how == "cannot-start":
        assert started  # executors instead


@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["through-the-cache", "no-cache"])
def test_a_worker_that_dies_leaves_the_check_to_this_process(project, capsys, monkeypatch, workers, cache):
    monkeypatch.setattr(parallel, "_read_share", _dies_in_a_worker)
    found, errors = run_check(capsys, project, extra=(*workers, *cache, "--cache-dir", str(project / "cache")))
    assert Path(_RUN["log"]).read_text() == "died\n"
    assert found == EXPECTED
    assert errors.count("blob.js: binary file, skipped") == 1
    assert "internal error" not in errors


def test_readings_made_elsewhere_give_what_discover_gives_and_the_same_cache(project):
    root = project.resolve()
    alone = HandlerDiscovery()
    expected = alone.discover(root)
    assert {h.export_name for h in expected} == {"receive", "reverse", "send", "build", "tick"}

    together = HandlerDiscovery()
    names = [(name, root) for name in together.candidates(root)]
    assert str(root / "cdk/lib/stack.ts") in dict(names) and str(root / "data/event.json") in dict(names)
    # two "workers", each with part of the files, one of them with the bytes of the CDK stack already read
    stack = str(root / "cdk/lib/stack.ts")
    readings = discovery.read_candidates(names[::2], {stack: read_status_and_bytes(stack, 1 << 20)})
    readings.update(discovery.read_candidates(names[1::2]))
    assert together.discover(root, readings) == expected
    assert together.remembered() == alone.remembered()
    assert stack not in together.remembered()  # CDK paths depend on other files: never cached
    # a later call without readings reads (or serves from the cache) as usual
    assert together.discover(root) == expected


def test_a_candidate_read_already_is_not_asked_again_and_keeps_the_status_of_that_read(project, monkeypatch):
    """A worker's source files are deployment candidates too (CDK, Pulumi): read once, with their
    fstat, which is the stamp of the bytes read (a stat afterwards could describe a later file)."""
    root = project.resolve()
    stack = str(root / "cdk/lib/stack.ts")
    read = read_status_and_bytes(stack, 1 << 20)
    stats: list = []
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: stats.append(os.fspath(path)) or real_stat(path, *a, **k))
    readings = discovery.read_candidates([(stack, root)], {stack: read})
    assert stack not in stats
    assert readings[stack].stamp == (read[0].st_size, read[0].st_mtime_ns)
    assert readings == discovery.read_candidates([(stack, root)])  # as read afresh


def test_the_facts_sent_for_python_files_before_the_summaries_are_those_of_the_whole_index(project):
    workspace = Workspace.for_paths([project])
    for name in ("sam/src/py/orders.py", "sam/src/py/ledger.py", "sam/src/py/refunds.py", "sls/jobs.py"):
        path = str(project / name)
        early, late = workspace.deployment_facts(path), workspace.facts_for(path)
        assert (early.declared, early.runtimes, early.external, early.async_refs, early.awaited) == \
               (late.declared, late.runtimes, late.external, late.async_refs, late.awaited)
        assert early.declared_handler_names(path) == workspace.declared_handler_names(path)
        # the walk up from a helper asks about the files that import it
        refunds = str(project / "sam/src/py/refunds.py")
        assert early.declared_handler_names(refunds) == workspace.declared_handler_names(refunds) == {"reverse"}


def test_the_command_prints_everything_before_it_ends_without_teardown(project, capsys):
    """`lambda-leak check` ends with os._exit: what it printed into a pipe still arrives whole."""
    in_process, _ = run_check(capsys, project, extra=("--jobs", "1"))
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as in a user's shell
    for jobs in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "lambda_leak", "check", str(project), "--format", "json", "--no-cache",
                               "--jobs", jobs], capture_output=True, text=True, timeout=120, env=buffered)
        assert done.returncode == 1
        found = [(Path(os.path.relpath(f["path"], project)).as_posix(), f["rule"], f["line"], f["column"])
                 for f in json.loads(done.stdout)]
        assert found == in_process == EXPECTED
        assert done.stderr.count("blob.js: binary file, skipped") == 1


def test_results_the_workers_put_in_the_cache_serve_the_next_run(project, capsys, monkeypatch, workers):
    """A cold run on two cores reads each file once, in the workers, which hand back the digests the
    cache keeps: after a Python edit, one process re-analyses the Python files and serves the rest."""
    from lambda_leak import cached_check

    cache = ("--cache-dir", str(project / "cache"))
    read_here, real_read = [], cached_check.read_source
    monkeypatch.setattr(cached_check, "read_source", lambda path, *a: read_here.append(path) or real_read(path, *a))
    assert run_check(capsys, project, extra=(*workers, *cache))[0] == EXPECTED
    assert read_here == []  # nothing cached yet: not read by this process, only by the workers
    analysed, real = [], cached_check.analyse_source
    monkeypatch.setattr(cached_check, "analyse_source", lambda path, *a, **k: analysed.append(path) or real(path, *a, **k))
    jobs = project / "sls/jobs.py"
    jobs.write_text(jobs.read_text() + "\n")
    assert run_check(capsys, project, extra=("--jobs", "1", *cache))[0] == EXPECTED
    python = sorted(str(p) for p in project.rglob("*.py"))
    assert sorted(analysed) == python


def test_a_run_without_the_cache_hashes_no_text(tmp_path: Path):
    """The workers hash each text for the result cache; a run without it (`--no-cache`) asks for no
    digest, and gets None for every file."""
    from lambda_leak.cache import text_digest
    from lambda_leak.config import Config
    from lambda_leak.workspace.keys import key

    app = tmp_path / "app.js"
    app.write_text("exports.handler = async (event) => { fetch(event.url); };\n")
    share = [(str(app), key(str(app)), Config())]
    parallel._read_share(share)
    (findings, error, digest), = parallel._analyse_part([(*share[0], None)], digests=False)
    assert [f.rule for f in findings] == ["floating-promise"] and error is None and digest is None
    parallel._read_share(share)
    assert parallel._analyse_part([(*share[0], None)])[0][2] == text_digest(app.read_text())


@pytest.mark.parametrize("cache", [("--no-cache",), ()], ids=["no-cache", "cold-cache"])
def test_the_command_asks_for_digests_only_with_the_cache(project, capsys, monkeypatch, workers, cache):
    """`check --no-cache` on several cores asks its workers for no digest; a run with the cache does."""
    asked = []
    real = parallel.check_in_parallel
    monkeypatch.setattr(parallel, "check_in_parallel", lambda *a, **k: asked.append(k.get("digests", True)) or real(*a, **k))
    assert run_check(capsys, project, extra=(*workers, *cache, "--cache-dir", str(project / "cache")))[0] == EXPECTED
    assert asked == [not cache]


def _logged_imports():
    with open(_RUN["log"], "a") as log:
        log.write(f"{os.getpid()} imports\n")
    _REAL_IMPORTS()


_REAL_IMPORTS = workers_start._import_analysers


@pytest.mark.parametrize("cache", [("--no-cache",), ()], ids=["no-cache", "cold-cache"])
@pytest.mark.parametrize("dies", [False, True], ids=["finds-the-same", "a-worker-dies"])
def test_workers_started_during_the_walk_find_the_same(project, capsys, monkeypatch, workers, dies, cache):
    """The workers start as soon as the walk has found enough files (here: one), from a zygote that
    imports once while the walk goes on; the run finds what one process finds, and one process again when a worker dies."""
    from lambda_leak import cli

    events = []
    real_files, real_start = cli._files_to_check, parallel.Crew.start
    monkeypatch.setattr(cli, "_CREW_STEP", 1)
    monkeypatch.setattr(cli, "_files_to_check", lambda *a, **k: (events.append("walk"), real_files(*a, **k),
                                                                      events.append("walked"))[1])
    monkeypatch.setattr(parallel.Crew, "start", lambda crew, jobs, **k: (events.append(("start", jobs, len(crew.workers))),
                                                                         real_start(crew, jobs, **k)))
    monkeypatch.setattr(workers_start, "_import_analysers", _logged_imports)
    if dies:
        monkeypatch.setattr(parallel, "_read_share", _dies_in_a_worker)
    found, errors = run_check(capsys, project, extra=(*workers, *cache, "--cache-dir", str(project / "cache")))
    assert found == EXPECTED
    assert errors.count("blob.js: binary file, skipped") == 1 and "internal error" not in errors
    assert events.index(("start", 2, 0)) < events.index("walked")  # started before the walk's end
    log = Path(_RUN["log"]).read_text().splitlines()
    if dies:
        assert log == ["died"]  # (written over the workers' lines)
    else:
        importers = {line.split()[0] for line in log if line.endswith("imports")}
        assert len(importers) == 1 and str(os.getpid()) not in importers  # once, in the zygote the workers come from


_BOOTSTRAPPED = "__import__('astroid.raw_building').raw_building.InspectBuilder.bootstrapped"
_CREW_SCRIPT = f"""
import multiprocessing, sys
from pathlib import Path
from lambda_leak.config import Config
from lambda_leak.workspace import crew as workers_start
workers_start._can_fork = lambda: True
crew = workers_start.Crew(2)
crew.found([(Path(f"src/f{{n}}" + sys.argv[1]), Config()) for n in range(150)])
print(eval({_BOOTSTRAPPED!r}), *(w.submit(eval, {_BOOTSTRAPPED!r}).result() for w in crew.workers))
print('lambda_leak.python.analyse' in sys.modules,
      *(w.submit(eval, "'lambda_leak.python.analyse' in __import__('sys').modules").result() for w in crew.workers))
crew.shutdown()
"""


@pytest.mark.parametrize(("suffix", "builtins"), [(".py", True), (".ts", False)])
def test_forked_workers_inherit_the_imports_and_the_builtins_from_the_zygote(suffix, builtins):
    """The workers inherit the analysers and, when the walk has found Python files, astroid's
    builtins from the zygote, which prepared them while the walk went on; the parent does neither
    (in a fresh interpreter: nothing imported or built before)."""
    run = subprocess.run([sys.executable, "-c", _CREW_SCRIPT, suffix], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"False {builtins} {builtins}", "False True True"]


def test_the_crew_forks_one_zygote_once_workers_are_wanted(monkeypatch):
    from lambda_leak.workspace.forked import Zygote

    zygotes = []
    monkeypatch.setattr(workers_start, "_can_fork", lambda: True)
    monkeypatch.setattr(workers_start, "Zygote", lambda *a: zygotes.append(Zygote(*a)) or zygotes[-1])
    crew = parallel.Crew(None)
    try:
        js = [(Path(f"src/f{n}.js"), None) for n in range(75)]
        crew.found(js)  # too few files for workers
        assert zygotes == [] and crew.workers == []
        crew.found(js + [(Path("app.py"), None)] + js)
        crew.found(js * 4)
        crew.start(2)
        assert len(zygotes) == 1 and len(crew.workers) == 2
        assert {worker.submit(os.getppid).result() for worker in crew.workers} == {zygotes[0].pid}
    finally:
        crew.shutdown()


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("cache", [("--no-cache",), ()], ids=["no-cache", "cold-cache"])
@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_folder_check_forks_the_zygote_before_its_walk_and_ends_it_when_too_few_files(project, capsys, monkeypatch,
                                                                                         what, cache):
    """The zygote's imports overlap the walk from its start; the walk of this small project finds too
    few files for workers, so it is ended (and reaped: no process is left) as soon as the walk is
    over, before this process analyses the files alone. A check of one file walks nothing and forks
    none."""
    from lambda_leak import cli
    from lambda_leak.workspace.forked import Zygote

    events, zygotes = [], []
    real_files = cli._files_to_check

    def files_to_check(*args, **kwargs):
        events.append("walk")
        found = real_files(*args, **kwargs)
        events.extend(f"zygote reaped: {_reaped(zygote.pid)}" for zygote in zygotes)
        return found

    monkeypatch.setattr(workers_start, "_can_fork", lambda: True)
    monkeypatch.setattr(workers_start, "available_cores", lambda: 2)
    monkeypatch.setattr(workers_start, "Zygote", lambda *a: (events.append("zygote"), zygotes.append(Zygote(*a)))[1] or zygotes[-1])
    monkeypatch.setattr(cli, "_files_to_check", files_to_check)
    paths = () if what == "folder" else ("sls/jobs.py",)
    found, errors = run_check(capsys, project, *paths, extra=(*cache, "--cache-dir", str(project / "cache")))
    assert "internal error" not in errors
    if what == "file":
        assert events == ["walk"] and found == [f for f in EXPECTED if f[0] == "sls/jobs.py"]
        return
    assert found == EXPECTED and events == ["zygote", "walk", "zygote reaped: True"]


def test_a_workers_python_texts_are_those_the_project_would_read(tmp_path):
    """The texts a worker read are the project's texts (not read again): the same as the
    project's own reading, a byte order mark dropped, and a file with "\\r\\n" left to that reading."""
    from lambda_leak.config import Config
    from lambda_leak.workspace.index import key
    from lambda_leak.workspace.python import read_text

    files = {"plain.py": b"import os\n", "marked.py": b"\xef\xbb\xbfimport sys\n", "windows.py": b"x = 1\r\ny = 2\r\n",
             "web.js": b"exports.a = 1;\n", "blob.py": b"\x00\x01"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    parallel._read_share([(str(tmp_path / name), key(tmp_path / name), Config()) for name in files])
    project = parallel._PYTHON[0]
    kept = {os.path.basename(name): text for name, text in project._texts.items()}
    assert set(kept) == {"plain.py", "marked.py"}
    for name in ("plain.py", "marked.py", "windows.py", "blob.py"):
        assert project.text(str(tmp_path / name)) == read_text(key(tmp_path / name))


def _where_analysed(items, digests=True):
    """Stand-in for `_analyse_part`: which process had each file (and whether digests were asked)."""
    return [(path, os.getpid(), digests) for path, *_ in items]


def _forked_workers():
    """Two workers of a zygote, and what ends them all."""
    from lambda_leak.workspace.forked import Zygote

    zygote = Zygote(lambda: None, lambda: None)
    workers = [zygote.fork_worker() for _ in range(2)]

    def end():
        for worker in workers:
            worker.shutdown()
        zygote.close()
    return workers, end


def _executors():
    from concurrent.futures import ProcessPoolExecutor

    workers = [ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) for _ in range(2)]
    return workers, lambda: [worker.shutdown() for worker in workers]


@pytest.mark.parametrize("start", [_forked_workers, _executors], ids=["forked", "executors"])
def test_a_worker_done_first_takes_over_the_parts_another_has_not_started(monkeypatch, start):
    """The shares are balanced by bytes only: at the end, a worker with nothing left takes over the
    movable parts the other has not started (JavaScript), never the others (Python), and every
    file's result lands at its index."""
    import time

    monkeypatch.setattr(parallel, "_analyse_part", _where_analysed)
    workers, end = start()
    try:
        slow, quick = (w.submit(os.getpid).result() for w in workers)
        workers[0].submit(time.sleep, 1.5)  # held up: its parts queue behind this
        plan = [(0, False), *[(0, True)] * 6, (1, True)]
        parts = [parallel._Part(worker, [index], items, False, workers[worker].submit(_where_analysed, items, False), movable)
                 for index, (worker, movable) in enumerate(plan) for items in ([(f"f{index}.js",)],)]
        results: list = [None] * len(plan)
        parallel._gather(workers, parts, results)
    finally:
        end()
    assert [path for path, _, _ in results] == [f"f{index}.js" for index in range(len(plan))]
    assert results[0][1] == slow  # not movable: stays with its worker
    assert results[-1][1] == quick
    assert sum(pid == quick for _, pid, _ in results[1:7]) >= 4  # at most two were on their way to the slow one
    assert not any(digests for _, _, digests in results)  # a part taken over is analysed as it was asked


_WALK_IMPORTS_SCRIPT = """
import sys
from lambda_leak import cli
real = cli._configured_files
def walk(*args, **kwargs):
    print(sorted(m for m in sys.modules if m.split(".")[0] in ("astroid", "tree_sitter", "yaml", "lambda_leak")))
    return real(*args, **kwargs)
cli._configured_files = walk
cli.main(["check", sys.argv[1], "--exit-zero", "--format", "json", *sys.argv[2:]])
"""


@pytest.mark.parametrize("cache", [("--no-cache",), ()], ids=["no-cache", "cold-cache"])
def test_the_walk_starts_before_the_analysis_is_imported(project, cache):
    """The walk is the run's single-core start: the analysers, the reporters and the index are
    imported by the zygote meanwhile (and by this process after the walk), never before it."""
    run = subprocess.run([sys.executable, "-c", _WALK_IMPORTS_SCRIPT, str(project), *cache,
                          "--cache-dir", str(project / "cache")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    before_walk = eval(run.stdout.splitlines()[0])
    assert before_walk and all(name.startswith("lambda_leak") for name in before_walk)
    heavy = {"lambda_leak.engine", "lambda_leak.fixing", "lambda_leak.workspace.index", "lambda_leak.workspace.parallel",
             "lambda_leak.cached_check", "lambda_leak.reporters.junit", "lambda_leak.javascript.parser"}
    assert heavy & set(before_walk) == set()


def test_a_workers_terraform_modules_are_found_in_the_tf_files_the_check_listed(tmp_path, monkeypatch):
    """A worker looks for a local module's callers in the .tf files the check's walk listed (sent
    with its deployment candidates), not by walking the tree again; it finds what `discover` finds."""
    from lambda_leak import files
    from lambda_leak.iac import terraform

    (tmp_path / "modules/fn").mkdir(parents=True)
    (tmp_path / "svc").mkdir()
    (tmp_path / "main.tf").write_text('module "up" {\n  source  = "./modules/fn"\n  handler = "app.handler"\n'
                                      '  dir     = "${path.module}/svc"\n}\n')
    (tmp_path / "modules/fn/main.tf").write_text('variable "handler" {}\nvariable "dir" {}\n'
                                                 'resource "aws_lambda_function" "this" {\n  handler  = var.handler\n'
                                                 '  runtime  = "nodejs22.x"\n  filename = "${var.dir}/x.zip"\n}\n')
    (tmp_path / "svc/app.js").write_text("exports.handler = async () => 1;\n")
    root = tmp_path.resolve()
    listings: dict = {}
    workspace = Workspace([root])
    candidates = workspace.deployment_candidates(listings)
    expected = HandlerDiscovery().discover(root)
    assert [(h.export_name, h.source_file.name) for h in expected] == [("handler", "app.js")]
    tf_files = parallel._terraform_files(candidates, listings)
    assert tf_files == {str(root): [str(root / "main.tf"), str(root / "modules/fn/main.tf")]}

    def no_walk(*args, **kwargs):
        raise AssertionError("walked the tree again")

    monkeypatch.setattr(terraform, "walk_names", no_walk)
    monkeypatch.setattr(files, "walk_names", no_walk)
    readings = parallel._read_deployment(candidates, tf_files)
    assert HandlerDiscovery().discover(root, readings) == expected
    assert terraform._known_tf_files == {}  # forgotten after the reading
    assert parallel._read_deployment([], tf_files) == {}  # the other worker: no deployment file of its own


def test_the_folders_of_one_python_package_go_to_one_worker(tmp_path):
    """`src/app.py` imports `src/utils/db.py`: the reverse walks and trees of that package are made by
    one worker, not both. A package tree heavier than a fair part of a worker's load is shared out by
    folder, as other folders are."""
    files = {"a/src/app.py": 4000, "a/src/utils/__init__.py": 10, "a/src/utils/db.py": 3000,
             "a/src/utils/deep/__init__.py": 10, "a/src/utils/deep/x.py": 3000,
             "b/handler.js": 5000, "c/handler.js": 5000, "d/lib/__init__.py": 10, "d/lib/big.py": 30000,
             "d/lib/sub/__init__.py": 10, "d/lib/sub/other.py": 30000}
    for name, size in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("#" * size)
    names = [str(tmp_path / name) for name in files]
    shares, owners, loads = parallel._shares(names, 2)
    worker_of = {name: next(w for w, share in enumerate(shares) if i in share) for i, name in enumerate(files)}
    assert worker_of["a/src/app.py"] == worker_of["a/src/utils/db.py"] == worker_of["a/src/utils/deep/x.py"]
    assert owners[str(tmp_path / "a/src")] == owners[str(tmp_path / "a/src/utils/deep")]
    # `d/lib` (a package whose root `d` holds no file) is 60 KB of 80: its two folders go to both workers
    assert worker_of["d/lib/big.py"] != worker_of["d/lib/sub/other.py"]
    assert sorted(i for share in shares for i in share) == list(range(len(files)))


def test_the_check_reads_unowned_deployment_files_until_a_worker_has_read_its_share(tmp_path):
    """It stops at the first file after a worker is ready (the rest go to the workers, whose shares
    group them by folder again), reads nothing if one is ready already, and reads as a worker would."""
    for n in range(3):
        write_tree(tmp_path / f"p{n}", {"template.yaml": PROJECT["sam/template.yaml"].replace("src/", f"../src{n}/"),
                                        "events/e.json": "{}"})
    root = tmp_path.resolve()
    candidates = Workspace([root]).deployment_candidates()
    owned, unowned = parallel._deployment_folders(candidates, {}, 2)
    assert owned == [[], []] and unowned == candidates and len(candidates) == 6

    class ReadyAfter:
        """A worker's first request, done after `asked` looks."""

        def __init__(self, asked: int) -> None:
            self.asked = asked

        def done(self) -> bool:
            self.asked -= 1
            return self.asked < 0

    assert parallel._read_while_workers_start(unowned, {}, [ReadyAfter(10), ReadyAfter(0)]) == ({}, unowned)
    read, left = parallel._read_while_workers_start(unowned, {}, [ReadyAfter(2)])
    assert sorted(read) == sorted(name for name, _ in candidates[:2]) and left == candidates[2:]
    read, left = parallel._read_while_workers_start(unowned, {}, [ReadyAfter(10)])
    assert left == [] and read == parallel._read_deployment(candidates, {})
    shares = parallel._deployment_shares(owned, candidates[2:], [0, 0])
    assert sorted(c for share in shares for c in share) == sorted(candidates[2:])
    first, second = ({os.path.dirname(name) for name, _ in share} for share in shares)
    assert first.isdisjoint(second)  # a folder goes to one worker


def test_a_worker_parses_a_cdk_stack_once_for_its_deployment_and_its_summary(tmp_path, monkeypatch):
    """A CDK stack is a deployment file and a source file: the worker that reads its deployment
    facts hands the tree to its summary (the same summary a fresh parse gives); nothing is kept after."""
    import shutil

    from lambda_leak.config import Config
    from lambda_leak.javascript import parser
    from lambda_leak.source import SourceText, language_for
    from lambda_leak.workspace.index import key
    from lambda_leak.workspace.summary import parse_module, summarise

    app = tmp_path / "app"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "iac" / "cdk-ts", app)
    sources = sorted(p for p in app.rglob("*") if p.suffix in (".ts", ".js", ".py"))
    root = app.resolve()
    listings: dict = {}
    candidates = Workspace([root]).deployment_candidates(listings)
    assert any(name.endswith("api-stack.ts") for name, _ in candidates)
    parses = []
    real_parse = parser._parser

    def counted(language):
        parses.append(language)
        return real_parse(language)

    monkeypatch.setattr(parser, "_shared", None)  # a failure below leaves no sharing on for other tests
    parallel._read_share([(str(p), key(p), Config()) for p in sources])
    monkeypatch.setattr(parser, "_parser", counted)
    parallel._read_deployment(candidates, {})
    read_for_deployment = len(parses)
    summaries = dict(parallel._summarise_share())
    assert read_for_deployment > 0 and len(parses) == len(summaries)  # the stacks were not parsed again
    assert parser._shared is None
    monkeypatch.undo()
    for path, summary in summaries.items():
        fresh = parse_module(SourceText(path, Path(path).read_text(), language_for(path)))
        assert summary == summarise(fresh, Config()), path

"""The Python analyser beyond single-rule fixtures: handler discovery, handler paths across
modules, the cheap pre-check, cache safety, never importing analysed code, bad input."""

from __future__ import annotations

import textwrap
from pathlib import Path

import astroid
import pytest

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.fixing import fix_source
from lambda_leak.python import find_handlers, parsing
from lambda_leak.workspace.hooks import Standalone
from lambda_leak.source import SourceText


def _findings(path: Path | str, text: str, **config):
    report = analyse_source(str(path), textwrap.dedent(text), Config(**config))
    assert report.error is None, report.error
    return [(f.rule, f.range.start.line + 1) for f in report.findings]


LEAK = """
import threading

def work():
    pass

def {name}({params}):
    threading.Thread(target=work).start()
"""


@pytest.mark.parametrize(
    "name, params, found",
    [
        ("lambda_handler", "event, context", True),
        ("handler", "evt, ctx", True),
        ("orders_handler", "event, context", True),
        ("lambda_handler", "event", False),  # not (event, context)
        ("process", "event, context", False),  # not a handler name, no decorator
    ],
)
def test_handler_names_and_signature(name, params, found):
    assert bool(_findings("app.py", LEAK.format(name=name, params=params))) is found


def test_configured_handler_names_and_scope_all():
    text = LEAK.format(name="process", params="event, context")
    assert _findings("app.py", text, handler_names=("process",)) == [("thread-leak", 8)]
    script = LEAK.format(name="tool", params="")
    assert _findings("tool.py", script) == []
    assert _findings("tool.py", script, scope="all") == [("thread-leak", 8)]


def test_decorators_resolved_through_imports():
    text = """
    import threading
    from aws_lambda_powertools import Logger, Tracer
    from aws_lambda_powertools.middleware_factory import lambda_handler_decorator
    from somewhere_else import inject_lambda_context

    logger = Logger()
    tracer = Tracer()

    @lambda_handler_decorator
    def middleware(handler, event, context):
        return handler(event, context)

    @logger.inject_lambda_context
    def a(event, context): pass

    @tracer.capture_lambda_handler
    def b(event, context): pass

    @middleware
    def c(event, context): pass

    @inject_lambda_context
    def not_powertools(event, context): pass
    """
    names = [name for name, _ in find_handlers(textwrap.dedent(text))]
    assert names == ["a", "b", "c"]


def test_assignment_handlers():
    text = """
    import logging
    from fastapi import FastAPI
    from mangum import Mangum

    app = FastAPI()
    log_handler = logging.StreamHandler()

    @app.get("/")
    def root():
        return {}

    handler = Mangum(app)
    """
    assert find_handlers(textwrap.dedent(text)) == [("handler", 12)]


def test_mangum_routes_are_on_the_handler_path():
    text = """
    import threading
    from fastapi import FastAPI
    from mangum import Mangum

    app = FastAPI()

    @app.post("/orders")
    def create_order():
        threading.Thread(target=print).start()
        return {}

    handler = Mangum(app)
    """
    assert _findings("main.py", text) == [("thread-leak", 10)]


class FakeWorkspace(Standalone):
    """A workspace whose deployment declares `names` (the rest of the hooks: a file on its own)."""

    def __init__(self, names):
        super().__init__()
        self.names = names

    def declared_handler_names(self, path):
        return self.names


def test_iac_declared_handler_names():
    text = textwrap.dedent(LEAK.format(name="entry", params="payload, ctx"))
    plain = analyse_source("app.py", text, Config())
    declared = analyse_source("app.py", text, Config(), workspace=FakeWorkspace({"entry"}))
    assert plain.findings == []
    assert [f.rule for f in declared.findings] == ["thread-leak"]


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def test_path_follows_calls_into_project_modules(tmp_path):
    root = _project(
        tmp_path,
        {
            "app.py": """
                from lib.notify import notify
                from lib import audit

                def lambda_handler(event, context):
                    notify(event)
                    audit.record(event)
                """,
            "lib/__init__.py": "",
            "lib/notify.py": """
                import threading

                def notify(event):
                    threading.Thread(target=print, args=(event,)).start()

                def unused(event):
                    threading.Thread(target=print, args=(event,)).start()
                """,
            "lib/audit.py": """
                from concurrent.futures import ThreadPoolExecutor
                from .notify import notify

                POOL = ThreadPoolExecutor()

                def record(event):
                    POOL.submit(print, event)
                """,
        },
    )
    notify = root / "lib" / "notify.py"
    assert _findings(notify, notify.read_text()) == [("thread-leak", 5)]
    audit = root / "lib" / "audit.py"
    assert _findings(audit, audit.read_text()) == [("executor-leak", 8)]
    # Reachability is re-computed when the importer changes on disk.
    (root / "app.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    assert _findings(notify, notify.read_text()) == []


def test_analysed_code_is_never_imported(tmp_path):
    marker = tmp_path / "imported.txt"
    root = _project(
        tmp_path,
        {
            "sideeffect.py": f"""
                open({str(marker)!r}, "w").write("imported")

                class Client:
                    async def fetch(self):
                        return 1
                """,
            "app.py": """
                import sideeffect
                from sideeffect import Client

                async def main():
                    client = Client()
                    client.fetch()
                    sideeffect.Client().fetch()

                def handler(event, context):
                    import asyncio
                    return asyncio.run(main())
                """,
        },
    )
    app = root / "app.py"
    _findings(app, app.read_text())
    assert not marker.exists()
    assert astroid.MANAGER.always_load_extensions is False
    assert not astroid.MANAGER.extension_package_whitelist
    assert not any(getattr(m, "file", "") and str(tmp_path) in m.file for m in astroid.MANAGER.astroid_cache.values())


def test_edited_buffer_is_never_stale():
    first = LEAK.format(name="handler", params="event, context")
    assert _findings("buffer.py", first) == [("thread-leak", 8)]
    edited = first.replace("threading.Thread(target=work).start()", "t = threading.Thread(target=work)\n    t.start()\n    t.join()")
    assert _findings("buffer.py", edited) == []
    assert "buffer" not in astroid.MANAGER.astroid_cache


def test_files_without_handlers_are_not_parsed(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(parsing, "_build", lambda *a: calls.append(a) or pytest.fail("parsed"))
    script = tmp_path / "script.py"
    script.write_text("import threading\nthreading.Thread(target=print).start()\n")
    assert _findings(script, script.read_text()) == []
    assert calls == []


@pytest.mark.parametrize(
    "text",
    [
        "def handler(event, context):\n    return (\n",
        "def handler(event, context):\n\treturn 1\n        pass\n",
        "def handler(event, context):\n" + "    x = " + "(" * 300 + ")" * 300 + "\n",
        "\ufeffdef handler(event, context): pass\n",
        "async def handler(event, context):\n    é = 'ünïcode'; return é\n",
    ],
)
def test_bad_input_never_crashes(text):
    report = analyse_source("bad.py", text, Config())
    assert report.error is None or "internal error" not in report.error


def test_positions_are_code_points():
    text = "import threading\ndef handler(event, context):\n    s = 'ééé'; threading.Thread(target=print).start()\n"
    report = analyse_source("app.py", text, Config())
    (finding,) = report.findings
    assert finding.range.start.column == text.split("\n")[2].index("threading")


def test_async_handler_fix_adds_import_once_and_is_stable():
    text = textwrap.dedent(
        '''\
        """Docstring."""
        async def handler(event, context):
            return 1
        '''
    )
    outcome = fix_source("app.py", text, Config())
    assert outcome.text == textwrap.dedent(
        '''\
        """Docstring."""
        import asyncio

        async def _handler_async(event, context):
            return 1


        def handler(event, context):
            return asyncio.run(_handler_async(event, context))
        '''
    )
    compile(outcome.text, "app.py", "exec")
    assert fix_source("app.py", outcome.text, Config()).text == outcome.text


def test_suppression_comment():
    text = LEAK.format(name="handler", params="event, context").replace(
        ".start()", ".start()  # lambda-leak-ignore: thread-leak"
    )
    assert _findings("app.py", text) == []


def test_thread_attributes_do_not_hide_a_leak():
    text = """
    import threading

    def handler(event, context):
        t = threading.Thread(target=print)
        t.daemon = True
        t.name = "sender"
        t.start()
        return t.name
    """
    assert _findings("app.py", text) == [("thread-leak", 8)]


def test_handler_wrapped_by_a_local_decorator_call():
    text = """
    import threading

    def with_retries(function):
        def wrapper(event, context):
            return function(event, context)
        return wrapper

    def real(event, context):
        threading.Thread(target=print).start()

    handler = with_retries(real)
    """
    assert _findings("app.py", text) == [("thread-leak", 10)]


def test_handler_named_in_a_sam_template(tmp_path, capsys):
    from lambda_leak.cli import main

    _project(
        tmp_path,
        {
            "template.yaml": """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: pkg.worker.entry
                      Runtime: python3.12
                """,
            "src/pkg/__init__.py": "",
            "src/pkg/worker.py": """
                import threading

                def entry(payload, ctx):
                    threading.Thread(target=print).start()
                """,
        },
    )
    assert main(["check", str(tmp_path), "--format", "json"]) == 1
    import json

    (finding,) = json.loads(capsys.readouterr().out)
    assert (finding["rule"], finding["line"]) == ("thread-leak", 5)
    assert finding["path"].endswith("src/pkg/worker.py")


def test_async_handler_fix_is_unsafe_when_the_module_awaits_the_handler():
    text = textwrap.dedent(
        """\
        import asyncio

        async def handler(event, context):
            return 1

        async def smoke_test():
            return await handler({}, None)
        """
    )
    (finding,) = analyse_source("app.py", text, Config()).findings
    (fix,) = finding.fixes
    assert fix.title == "Run with asyncio.run" and not fix.safe


def test_middleware_decorator_from_a_project_module(tmp_path):
    root = _project(
        tmp_path,
        {
            "middleware.py": """
                from aws_lambda_powertools.middleware_factory import lambda_handler_decorator

                @lambda_handler_decorator
                def audited(handler, event, context):
                    return handler(event, context)
                """,
            "app.py": """
                import threading
                from middleware import audited

                @audited
                def process(event, context):
                    threading.Thread(target=print).start()
                """,
        },
    )
    app = root / "app.py"
    assert _findings(app, app.read_text()) == [("thread-leak", 7)]
    assert find_handlers(SourceText(str(app), app.read_text(), "python")) == [("process", 5)]

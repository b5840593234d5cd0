"""Python code shaped like real handlers (issue 12): which functions are handlers, wrappers and
decorators on the handler path, threads and executors across files, async libraries,
frameworks behind the handler, partial parsing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from lambda_leak.cli import main
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.python import find_handlers
from lambda_leak.workspace.hooks import Standalone


def _findings(path: str, text: str, workspace=None, **config) -> list[tuple[str, int]]:
    report = analyse_source(path, textwrap.dedent(text), Config(**config), workspace=workspace)
    assert report.error is None, report.error
    return [(f.rule, f.range.start.line + 1) for f in report.findings]


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _check(root: Path, capsys, *extra: str) -> list[tuple[str, str, int]]:
    main(["check", str(root), "--format", "json", "--select", "ALL", *extra])
    found = json.loads(capsys.readouterr().out)
    return sorted((Path(f["path"]).relative_to(root).as_posix(), f["rule"], f["line"]) for f in found)


class Declared(Standalone):
    """A deployment that names these handlers; nothing else around the file."""

    def __init__(self, names):
        super().__init__()
        self.names = frozenset(names)

    def declared_handler_names(self, path):
        return self.names


# --- 1. handler identification ------------------------------------------------------------------

DRIVEN = """
import asyncio

async def main(event, context):
    await asyncio.sleep(0)
    return {"ok": True}

def lambda_handler(event, context):
    return asyncio.get_event_loop().run_until_complete(main(event, context))
"""


def test_handler_named_function_driven_by_another_handler_is_a_helper():
    assert find_handlers(textwrap.dedent(DRIVEN)) == [("lambda_handler", 7)]
    assert _findings("bot.py", DRIVEN) == []


def test_mutually_calling_handlers_both_stay():
    text = """
    def handler(event, context):
        return other_handler(event, context)

    def other_handler(event, context):
        return handler(event, context) if event else None
    """
    assert [name for name, _ in find_handlers(textwrap.dedent(text))] == ["handler", "other_handler"]


def test_declared_handlers_replace_the_default_name_patterns():
    text = """
    import asyncio

    async def main(event, context):
        return await asyncio.sleep(0)

    def _drive(event, context):
        return asyncio.run(main(event, context))

    def entry(event, context):
        return _drive(event, context)
    """
    # Without a deployment file `main` looks like a handler; with one naming `entry` it does not.
    assert _findings("app.py", text) == [("async-handler", 4)]
    assert _findings("app.py", text, workspace=Declared({"entry"})) == []
    assert [n for n, _ in find_handlers(textwrap.dedent(text), workspace=Declared({"entry"}))] == ["entry"]
    # Names the user configured still count beside the declared ones.
    configured = _findings("app.py", text, workspace=Declared({"entry"}), handler_names=("main",))
    assert configured == [("async-handler", 4)]


def test_sam_template_naming_the_handler_silences_a_helper_main(tmp_path, capsys):
    root = _project(
        tmp_path,
        {
            "template.yaml": """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Bot:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: app.webhook
                      Runtime: python3.12
                """,
            "src/app.py": """
                import asyncio

                async def main(event, context):
                    await asyncio.sleep(0)

                def run(event, context):
                    return asyncio.run(main(event, context))

                def webhook(event, context):
                    return run(event, context)
                """,
        },
    )
    assert _check(root, capsys) == []


# --- 3. threads and executors across files ------------------------------------------------------


def test_thread_subclass_and_executor_imported_from_another_module(tmp_path, capsys):
    root = _project(
        tmp_path,
        {
            "lib/__init__.py": "",
            "lib/watchdog.py": """
                import threading
                import time
                from concurrent.futures import ThreadPoolExecutor

                UPLOADS = ThreadPoolExecutor(max_workers=4)

                class TimeoutThread(threading.Thread):
                    def __init__(self, seconds):
                        super().__init__(daemon=True)
                        self.seconds = seconds

                    def run(self):
                        time.sleep(self.seconds)

                class StrictTimeout(TimeoutThread):
                    pass
                """,
            "lib/base.py": """
                from lib.watchdog import TimeoutThread

                class LoggingTimeout(TimeoutThread):
                    pass
                """,
            "app.py": """
                from lib.base import LoggingTimeout
                from lib.watchdog import UPLOADS, StrictTimeout, TimeoutThread

                def upload(item):
                    return item

                def handler(event, context):
                    TimeoutThread(1).start()
                    strict = StrictTimeout(2)
                    strict.start()
                    LoggingTimeout(3).start()
                    UPLOADS.submit(upload, event)
                    return {"ok": True}

                def clean_handler(event, context):
                    watchdog = TimeoutThread(1)
                    watchdog.start()
                    done = UPLOADS.submit(upload, event)
                    try:
                        return done.result()
                    finally:
                        watchdog.join()
                """,
        },
    )
    assert _check(root, capsys) == [
        ("app.py", "executor-leak", 13),
        ("app.py", "thread-leak", 9),
        ("app.py", "thread-leak", 11),
        ("app.py", "thread-leak", 12),
    ]


# --- 5. frameworks behind the handler -----------------------------------------------------------


def test_fastapi_routes_in_another_module_under_mangum(tmp_path, capsys):
    root = _project(
        tmp_path,
        {
            "api/__init__.py": "",
            "api/main.py": """
                import asyncio
                import threading

                from fastapi import APIRouter, BackgroundTasks, FastAPI

                app = FastAPI()
                orders = APIRouter(prefix="/orders")

                def audit(order_id):
                    print("audited", order_id)

                @app.get("/health")
                async def health():
                    asyncio.create_task(asyncio.sleep(1))
                    return {"ok": True}

                @orders.post("/")
                def create(background_tasks: BackgroundTasks):
                    background_tasks.add_task(audit, "new")
                    threading.Thread(target=audit, args=("again",)).start()
                    return {"id": "new"}

                @orders.delete("/{order_id}")
                async def remove(order_id: str, background_tasks: BackgroundTasks):
                    background_tasks.add_task(audit, order_id)
                    return {"id": order_id}

                app.include_router(orders)
                """,
            "api/lambda_entry.py": """
                from mangum import Mangum

                from api.main import app

                handler = Mangum(app, lifespan="off")
                """,
        },
    )
    assert _check(root, capsys) == [("api/main.py", "dangling-task", 15), ("api/main.py", "thread-leak", 21)]


def test_flask_routes_under_wsgi_adapters(tmp_path, capsys):
    root = _project(
        tmp_path,
        {
            "web.py": """
                import threading

                import awsgi
                import serverless_wsgi
                from flask import Blueprint, Flask

                app = Flask(__name__)
                admin = Blueprint("admin", __name__)

                def notify(text):
                    print(text)

                @app.route("/signup", methods=["POST"])
                def signup():
                    threading.Thread(target=notify, args=("welcome",)).start()
                    return "ok"

                @admin.route("/purge")
                def purge():
                    worker = threading.Thread(target=notify, args=("purge",))
                    worker.start()
                    worker.join()
                    return "done"

                def lambda_handler(event, context):
                    return awsgi.response(app, event, context)

                def sls_handler(event, context):
                    return serverless_wsgi.handle_request(app, event, context)
                """,
        },
    )
    assert _check(root, capsys) == [("web.py", "thread-leak", 16)]


DJANGO_SITE = {
    "manage.py": "",
    "shop/__init__.py": "",
    "shop/settings.py": """
        ROOT_URLCONF = "shop.urls"
        """,
    "shop/wsgi.py": """
        import os

        from django.core.wsgi import get_wsgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        application = get_wsgi_application()
        """,
    "shop/urls.py": """
        from django.urls import include, path, re_path

        from orders import views

        urlpatterns = [
            path("orders/", views.create_order),
            re_path(r"^orders/(?P<pk>[0-9]+)/$", views.OrderDetail.as_view()),
            path("billing/", include("billing.urls")),
        ]
        """,
    "orders/__init__.py": "",
    "orders/views.py": """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        from django.http import JsonResponse
        from django.views import View

        pool = ThreadPoolExecutor(max_workers=2)

        def notify(order_id):
            print("notified", order_id)

        def create_order(request):
            threading.Thread(target=notify, args=("new",)).start()
            return JsonResponse({"id": "new"})

        class OrderDetail(View):
            def get(self, request, pk):
                return JsonResponse({"id": pk})

            def delete(self, request, pk):
                pool.submit(notify, pk)
                return JsonResponse({"deleted": pk})

            def put(self, request, pk):
                future = pool.submit(notify, pk)
                future.result()
                return JsonResponse({"updated": pk})
        """,
    "billing/__init__.py": "",
    "billing/urls.py": """
        from django.urls import path

        from . import views

        urlpatterns = [path("refund/", views.refund), path("invoice/", views.invoice)]
        """,
    "billing/views.py": """
        import threading

        from django.http import HttpResponse

        def log(text):
            print(text)

        def refund(request):
            timer = threading.Timer(5.0, log, args=("slow refund",))
            timer.start()
            return HttpResponse("refunded")

        def invoice(request):
            worker = threading.Thread(target=log, args=("invoice",))
            worker.start()
            worker.join()
            return HttpResponse("sent")
        """,
}
DJANGO_LEAKS = [
    ("billing/views.py", "timer-leak", 11),
    ("orders/views.py", "executor-leak", 22),
    ("orders/views.py", "thread-leak", 14),
]


@pytest.mark.parametrize(
    "entry",
    [
        """
        import serverless_wsgi

        from shop.wsgi import application

        def handler(event, context):
            return serverless_wsgi.handle_request(application, event, context)
        """,
        """
        import os

        import apig_wsgi
        from django.core.wsgi import get_wsgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        application = get_wsgi_application()
        handler = apig_wsgi.make_lambda_handler(application)
        """,
    ],
)
def test_django_views_under_wsgi_adapters(tmp_path, capsys, entry):
    root = _project(tmp_path, {**DJANGO_SITE, "lambda_function.py": entry})
    found = _check(root, capsys)
    assert sorted(found) == sorted(DJANGO_LEAKS)
    main(["check", str(root), "--format", "json", "--select", "ALL"])
    messages = {f["line"]: f["message"] for f in json.loads(capsys.readouterr().out)}
    assert "`create_order`" in messages[14] and "`delete`" in messages[22]


def test_django_views_without_a_literal_root_urlconf_come_from_the_project_urls(tmp_path, capsys):
    settings = {"shop/settings.py": "ROOT_URLCONF = os.environ['URLCONF']\n"}
    entry = """
        import awsgi

        from shop.wsgi import application

        def lambda_handler(event, context):
            return awsgi.response(application, event, context)
        """
    root = _project(tmp_path, {**DJANGO_SITE, **settings, "lambda_function.py": entry})
    assert sorted(_check(root, capsys)) == sorted(DJANGO_LEAKS)


def test_django_project_without_a_lambda_adapter_stays_silent(tmp_path, capsys):
    entry = """
        from shop.wsgi import application

        def handler(event, context):
            return {"statusCode": 200}
        """
    root = _project(tmp_path, {**DJANGO_SITE, "lambda_function.py": entry})
    assert _check(root, capsys) == []


# --- 7. files that do not fully parse -----------------------------------------------------------

BROKEN = """\
import threading


def work():
    pass


def unfinished(x:
    return x


@retry
def missing_colon()
    pass


def handler(event, context):
    threading.Thread(target=work).start()
    return {"ok": True}
"""


def test_broken_statements_are_skipped_and_the_rest_is_analysed():
    report = analyse_source("app.py", BROKEN, Config())
    assert [(f.rule, f.range.start.line + 1) for f in report.findings] == [("thread-leak", 18)]
    assert report.error.startswith("syntax error at line 8")
    assert "findings may be incomplete (2 broken statements skipped)" in report.error


def test_a_broken_handler_is_not_guessed_at():
    text = BROKEN.replace("def handler(event, context):", "def handler(event, context:")
    report = analyse_source("app.py", text, Config())
    assert report.findings == [] and "syntax error" in report.error


def test_fixes_are_not_written_into_a_file_that_does_not_parse(tmp_path):
    path = tmp_path / "app.py"
    text = BROKEN + "\n\nasync def later(event):\n    pass\n\n\nasync def main_handler(event, context):\n    later(event)\n"
    path.write_text(text)
    main(["check", str(path), "--fix", "--unsafe-fixes"])
    assert path.read_text() == text


def test_a_chat_library_callback_with_a_typed_context_is_not_a_handler():
    text = """
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from telegram import Update
    from telegram.ext import ContextTypes

    async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        print(context.error)

    async def command_handler(update: Update, context: "LambdaContext") -> None:
        print(update)

    async def typed_handler(event: dict, context: LambdaContext):
        return event
    """
    assert [n for n, _ in find_handlers(textwrap.dedent(text))] == ["command_handler", "typed_handler"]


def test_pytest_functions_named_like_handlers_are_tests():
    text = """
    def lambda_handler(event, context):
        return event

    def test_lambda_handler(apigw_event, mocker):
        assert lambda_handler(apigw_event, None)
    """
    assert [n for n, _ in find_handlers(textwrap.dedent(text))] == ["lambda_handler"]


# --- 2. wrappers and decorators across files ----------------------------------------------------


def test_project_decorator_in_another_module_puts_its_wrapper_on_the_handler_path(tmp_path, capsys):
    root = _project(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/apm.py": """
                import threading

                def _flush():
                    print("flushing spans")

                def traced(handler):
                    def run(*args, **kwargs):
                        flusher = threading.Timer(0.5, _flush)
                        flusher.start()
                        return handler(*args, **kwargs)

                    return run
                """,
            "orders.py": """
                from shared.apm import traced

                @traced
                def handler(event, context):
                    return {"ok": True}
                """,
        },
    )
    # `run(*args, **kwargs)` is not (event, context)-shaped: it is on the path because a handler wears it.
    assert _check(root, capsys) == [("shared/apm.py", "timer-leak", 10)]


def test_starlette_and_flask_endpoints_registered_by_call():
    text = """
    import asyncio
    import threading

    from flask import Flask
    from mangum import Mangum
    from starlette.applications import Starlette
    from starlette.routing import Route

    async def homepage(request):
        asyncio.ensure_future(asyncio.sleep(1))
        return None

    async def unused(request):
        asyncio.ensure_future(asyncio.sleep(1))

    app = Starlette(routes=[Route("/", homepage)])
    handler = Mangum(app)
    """
    assert _findings("asgi.py", text) == [("dangling-task", 11)]
    flask = """
    import threading

    import apig_wsgi
    from flask import Flask

    app = Flask(__name__)

    def export():
        threading.Thread(target=print).start()
        return "ok"

    app.add_url_rule("/export", "export", view_func=export)
    lambda_handler = apig_wsgi.make_lambda_handler(app)
    """
    assert _findings("wsgi_app.py", flask) == [("thread-leak", 10)]

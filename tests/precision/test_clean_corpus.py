"""Precision: a realistic, clean serverless project must get no findings at all, and a handful of
realistic leaks must get exactly the findings marked in their sources (`// LEAK rule-id`).

The corpus under `corpus/` is written the way teams write Lambda code (SDK v3 and v2, middy,
Powertools, serverless-http, streaming, pools, caches, retries, paginators, timeouts, promise
wrappers around callbacks and emitters, TypeScript features) plus code that is not on any handler
path (scripts, tests, React). A finding there is a false positive: fix the engine, not the corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lambda_leak.cli import main

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
LEAKY = HERE / "leaky"
CHECK = ["check", "--format", "json", "--select", "ALL", "--ignore", "require-await"]
MARKER = re.compile(r"(?://|#)\s*LEAK\s+([a-z-]+)")

# Handlers the project has, as `path:name (origin)`; everything else in the corpus is not one.
EXPECTED_HANDLERS = {
    "src/api/middy-chain.mjs handler (code)",
    "src/api/middy-handler.js handler (code)",
    "src/api/powertools.ts handler (code)",
    "src/api/satisfies.ts handler (code)",
    "src/api/vendia-express.js handler (code)",
    "src/checks/deferred-results.ts handler (code)",
    "src/auth/authorizer.js handler (code)",
    "src/batch/countdown.js handler (code)",
    "src/batch/foreach-sync.js handler (code)",
    "src/batch/idempotent.mjs handler (code)",
    "src/batch/powertools-batch.ts handler (code)",
    "src/batch/put-all.mjs handler (code)",
    "src/config/named-executor.js handler (code)",
    "src/config/read-config.js handler (code)",
    "src/db/cached-connection.js handler (code)",
    "src/db/mongoose.js handler (code)",
    "src/db/mysql-pool.ts handler (code)",
    "src/db/pg-pool.js handler (code)",
    "src/db/using-dispose.ts handler (code)",
    "src/db/redis-cache.mjs handler (code)",
    "src/events/child-process.js handler (code)",
    "src/events/deferred-handler.js handler (code)",
    "src/events/https-request.js handler (code)",
    "src/events/local-emitter.mjs handler (code)",
    "src/events/notify-handler.js handler (code)",
    "src/files/read-object.mjs handler (code)",
    "src/hooks/abort-timeout.mjs handler (code)",
    "src/hooks/process-hooks.js handler (code)",
    "src/hooks/watchdog.js handler (code)",
    "src/jobs/cleanup.js handler (code)",
    "src/jobs/export-orders.ts exportOrders (template.yaml; export-orders.js built from export-orders.ts via esbuild EntryPoints)",
    "src/legacy/v2-promise.js handler (code)",
    "src/misc/analytics.js handler (code)",
    "src/misc/callbacks-in-executor.js handler (code)",
    "src/misc/log-outcome.js handler (code)",
    "src/misc/module-init.mjs handler (code)",
    "src/misc/modern.mjs handler (code)",
    "src/misc/named-exports.mjs healthHandler (code)",
    "src/misc/named-exports.mjs main (code)",
    "src/misc/prefetch-catch.js handler (code)",
    "src/misc/prefetch.js handler (code)",
    "src/misc/s3-stream-lines.js handler (code)",
    "src/misc/wrappers.js datadogHandler (code)",
    "src/misc/wrappers.js sentryHandler (code)",
    "src/orders/create.mjs handler (code)",
    "src/orders/get.ts handler (code)",
    "src/queue/consumer.js processRecords (template.yaml)",
    "src/reports/nightly.js run (template.yaml)",
    "src/services/fire-and-forget.js handler (code)",
    "src/services/order-model.ts handler (code)",
    "src/services/return-then.js handler (code)",
    "src/services/user-service.ts handler (code)",
    "src/stream/docs-example.mjs handler (code)",
    "src/stream/docs-example.mjs pipeHandler (code)",
    "src/stream/stream-ndjson.js handler (code)",
    "src/stream/stream-object.mjs handler (code)",
    "src/ts/advanced.ts handler (code)",
    "src/ts/nest-like.ts handler (code)",
    "src/ts/optional-client.ts handler (code)",
    "sam-app/hello-world/app.js lambdaHandler (template.yaml)",
    "sam-app/src/handlers/get-all-items.mjs getAllItemsHandler (template.yaml)",
    "sam-app/src/handlers/sqs-payload-logger.mjs sqsPayloadLoggerHandler (template.yaml)",
    "sls-template/src/functions/hello/handler.ts main (code)",
    "src/api/aws-serverless-express.js handler (code)",
    "src/api/aws-serverless-express.js promiseHandler (code)",
    "src/api/generic-middy.ts handler (code)",
    "src/db/query-client.mjs handler (code)",
    "src/hooks/slow-warning.js handler (code)",
    "src/misc/object-exports.js archiveHandler (code)",
    "src/misc/object-exports.js handler (code)",
    "src/queue/batched-sender.js handler (code)",
    "src/api/validate.js handler (code)",
    "src/edge/custom-resource.js handler (code)",
    "src/edge/triggers.js handler (code)",
    "src/edge/triggers.js preSignUpHandler (code)",
    "src/edge/triggers.js resolverHandler (code)",
    "src/stream/middy-stream.mjs handler (code)",
    "src/trace/otel.mjs handler (code)",
    "src/trace/xray.js handler (code)",
    "src/web/ssr.tsx handler (code)",
    # Python: Powertools, Mangum/FastAPI, Flask under serverless-wsgi, executors, wrappers, event loops
    "py/api/lambda_entry.py handler (code)",
    "py/bots/webhook.py lambda_handler (code)",
    "py/images/thumbnails.py handler (code)",
    "py/images/thumbnails.py warm_handler (code)",
    "py/metrics/emf.py handler (code)",
    "py/orders/app.py lambda_handler (code)",
    "py/queue/consumer.py process (code)",
    "py/reports/daily.py handler (code)",
    "py/sam/bot/ingest.py entry (template.yaml)",
    "py/storefront/lambda_function.py handler (code)",
    "py/web/app.py handler (code)",
    "src/real/checkout.ts handler (code)",
    "src/real/fanout.js handler (code)",
    "src/real/quota.mjs handler (code)",
}


def _check(capsys, root: Path) -> list[dict]:
    code = main([*CHECK, str(root)])
    out = capsys.readouterr().out
    findings = json.loads(out)
    assert code == (1 if findings else 0)
    return findings


def _describe(findings: list[dict]) -> str:
    return "\n".join(f"  {f['path']}:{f['line']}: {f['rule']}: {f['message']}" for f in findings)


def test_clean_corpus_has_no_findings(capsys):
    findings = _check(capsys, CORPUS)
    assert findings == [], "false positives on clean code:\n" + _describe(findings)


def test_build_output_and_coverage_are_not_analysed(capsys):
    bundled = CORPUS / "sls-template/.esbuild/.build/src/functions/hello/handler.js"
    assert bundled.exists() and (CORPUS / "coverage/lcov-report/sorter.js").exists()
    assert main(["check", "--list-handlers", str(CORPUS)]) == 0
    listed = capsys.readouterr().out
    assert ".esbuild" not in listed and "coverage" not in listed
    assert main(["check", "--list-handlers", str(bundled)]) == 0  # named explicitly, it is analysed
    assert "main (from code)" in capsys.readouterr().out


def test_clean_corpus_is_realistic_size():
    sources = [p for p in CORPUS.rglob("*") if p.suffix in (".js", ".mjs", ".cjs", ".ts", ".tsx")]
    assert len(sources) >= 40
    assert {p.suffix for p in sources} >= {".js", ".mjs", ".ts", ".tsx"}


def test_list_handlers_finds_exactly_the_project_handlers(capsys, monkeypatch):
    monkeypatch.chdir(CORPUS)
    assert main(["check", "--list-handlers", "."]) == 0
    listed = set()
    for line in capsys.readouterr().out.splitlines():
        match = re.fullmatch(r"(.+):\d+ (\S+) \(from ([^;]+)(?:; (?:nodejs|python)[^;]*)?((?:; .+)?)\)", line)
        assert match, line
        listed.add(f"{Path(match[1]).as_posix()} {match[2]} ({match[3]}{match[4]})")  # runtime left out
    assert listed == EXPECTED_HANDLERS, (
        f"missing: {sorted(EXPECTED_HANDLERS - listed)}\nunexpected: {sorted(listed - EXPECTED_HANDLERS)}"
    )


def _expected_leaks() -> list[tuple[str, int, str]]:
    expected = []
    for path in sorted(LEAKY.rglob("*")):
        if path.suffix not in (".js", ".mjs", ".ts", ".py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for rule in MARKER.findall(line):
                expected.append((path.relative_to(LEAKY).as_posix(), number, rule))
    return sorted(expected)


def test_leaky_examples_get_exactly_the_marked_findings(capsys):
    expected = _expected_leaks()
    assert len(expected) >= 12
    findings = _check(capsys, LEAKY)
    found = sorted((Path(f["path"]).relative_to(LEAKY).as_posix(), f["line"], f["rule"]) for f in findings)
    assert found == expected, _describe(findings)


@pytest.mark.parametrize("rule", sorted({rule for _, _, rule in _expected_leaks()}))
def test_every_leak_rule_is_exercised_and_selectable(capsys, rule):
    findings = json.loads(_run_selected(capsys, rule))
    assert findings and {f["rule"] for f in findings} == {rule}


def _run_selected(capsys, rule: str) -> str:
    main(["check", "--format", "json", "--select", rule, str(LEAKY)])
    return capsys.readouterr().out


# Files whose handler only their deployment file names: alone, a handler-named helper of theirs
# (`async def main(event, context)`) is all the analyser can take for the entry point.
NEED_THEIR_DEPLOYMENT = {"py/sam/bot/ingest.py"}
SOURCES = sorted(
    p
    for p in CORPUS.rglob("*")
    if p.suffix in (".js", ".mjs", ".cjs", ".ts", ".tsx", ".py")
    and not p.name.endswith(".d.ts")
    and not {".esbuild", "coverage"} & set(p.relative_to(CORPUS).parts)
    and p.relative_to(CORPUS).as_posix() not in NEED_THEIR_DEPLOYMENT
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_each_file_alone_is_silent(path):
    """As an editor sees one file with no workspace index (stdin, a file opened on its own)."""
    from lambda_leak.config import Config
    from lambda_leak.engine import analyse_source

    config = Config(select=frozenset({"ALL"}), ignore=frozenset({"require-await"}))
    report = analyse_source(str(path), path.read_text(encoding="utf-8"), config)
    assert report.error is None or "syntax error" not in report.error, report.error
    assert [f"{f.range.start.line + 1}: {f.rule}: {f.message}" for f in report.findings] == []

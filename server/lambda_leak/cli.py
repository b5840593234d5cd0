"""The `lambda-leak` command: `check` for terminals and CI, `server` for editors."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Sequence

from lambda_leak import __version__
from lambda_leak.config import Config, ConfigError, config_for_file
from lambda_leak.engine import analyse_source
from lambda_leak.files import Decoded, UnreadableFile, decode, is_excluded, iter_source_files, read_source, write_atomically
from lambda_leak.fixing import fix_source
from lambda_leak.model import Finding
from lambda_leak.reporters import REPORTERS
from lambda_leak.rules import all_rule_ids

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _rule_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lambda-leak",
        description="Find and fix execution leaks in AWS Lambda handlers.",
    )
    parser.add_argument("--version", action="version", version=f"lambda-leak {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="analyse files and report leaks")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders (default: .); - reads stdin")
    check.add_argument("--format", choices=sorted(REPORTERS), default="text")
    check.add_argument("--select", action="append", type=_rule_list, metavar="RULES", help="only these rules (comma-separated; ALL for every rule)")
    check.add_argument("--ignore", action="append", type=_rule_list, metavar="RULES", help="skip these rules (comma-separated)")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too")
    check.add_argument("--diff", action="store_true", help="print the fixes as a diff and write nothing")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when leaks are found")
    check.add_argument("--stdin-filename", metavar="NAME", help="the path of the text read from stdin (with PATH -)")
    check.add_argument("--list-handlers", action="store_true", help="print the handlers found and exit")
    check.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core for large trees)")

    server = commands.add_parser("server", help="run the language server (stdio by default)")
    server.add_argument("--stdio", action="store_true", help="speak LSP over stdin/stdout (the default)")
    server.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead (for debugging)")
    return parser


def _cli_overrides(args: argparse.Namespace) -> dict:
    known = all_rule_ids() | {"ALL"}
    changes = {}
    for option in ("select", "ignore"):
        values = getattr(args, option)
        if values:
            rules = frozenset(rule for group in values for rule in group)
            unknown = sorted(rules - known)
            if unknown:
                raise UsageError(f"--{option}: unknown rule(s): {', '.join(unknown)}")
            changes[option] = rules
    return changes


def _diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{path.lstrip('/')}", f"b/{path.lstrip('/')}")
    )


def _process(display: str, decoded: Decoded, config: Config, args, workspace, out_findings: list[Finding],
             from_stdin: bool = False) -> None:
    """Analyse one file; with --fix or --diff, fix it too. Fixed stdin goes back to stdout."""
    if not (args.fix or args.diff):
        report = analyse_source(display, decoded.text, config, workspace)
        if report.error:
            print(f"{display}: {report.error}", file=sys.stderr)
        out_findings.extend(report.findings)
        return
    outcome = fix_source(display, decoded.text, config, unsafe=args.unsafe_fixes, workspace=workspace)
    report = outcome.report
    if report is not None:
        if report.error:
            print(f"{display}: {report.error}", file=sys.stderr)
        out_findings.extend(report.findings)
    if args.diff:
        if outcome.text != decoded.text:
            sys.stdout.write(_diff(display, decoded.text, outcome.text))
    elif from_stdin:  # editors and pre-commit read the whole (fixed or not) text back
        sys.stdout.write(decoded.encode(outcome.text).decode("utf-8"))
    elif outcome.text != decoded.text:
        write_atomically(Path(display), decoded.encode(outcome.text))
        print(f"{display}: fixed {len(outcome.applied)} leak{'s' if len(outcome.applied) != 1 else ''}", file=sys.stderr)


def _workspace_for(paths: list[Path]):
    """The cross-file index of the run (JavaScript summaries, Python project facts, deployment)."""
    from lambda_leak.workspace import Workspace

    return Workspace.for_paths(paths, keep_modules=True)


def _check_in_parallel(files: list[tuple[Path, Config]], paths: list[Path], args, findings: list[Finding]) -> bool:
    """Check on several cores when the tree is large (never for --fix/--diff). False: not done."""
    if args.fix or args.diff:
        return False
    from lambda_leak.workspace.parallel import check_in_parallel, choose_jobs

    jobs = choose_jobs(len(files), args.jobs)
    if jobs < 2:
        return False
    try:
        results = check_in_parallel(files, paths, jobs)
    except Exception:  # noqa: BLE001 - a worker that died (or cannot start): check in this process instead
        return False
    for (path, _), (found, error) in zip(files, results):
        if error:
            print(f"{path}: {error}", file=sys.stderr)
        findings.extend(found)
    return True


def run_check(args: argparse.Namespace) -> int:
    overrides = _cli_overrides(args)
    findings: list[Finding] = []
    if args.paths == ["-"]:
        name = args.stdin_filename or "-"
        decoded = decode(sys.stdin.buffer.read())
        config = config_for_file(Path(name)) if name != "-" else Config()
        config = config.merged(**overrides)
        if args.list_handlers:
            return _list_handlers([Path(name)], overrides)
        _process(name, decoded, config, args, None, findings, from_stdin=True)
    else:
        paths = [Path(p) for p in args.paths]
        for path in paths:
            if not path.exists():
                raise UsageError(f"{path}: no such file or folder")
        if args.list_handlers:
            return _list_handlers(paths, overrides)
        files = []
        for path in iter_source_files(paths):
            config = config_for_file(path).merged(**overrides)
            if path not in paths and is_excluded(path, config.exclude, config.root):
                continue
            files.append((path, config))
        if not _check_in_parallel(files, paths, args, findings):
            workspace = _workspace_for(paths)
            for path, config in files:
                display = str(path)
                try:
                    decoded = read_source(path, config.max_file_size)
                except UnreadableFile as error:
                    print(f"{display}: {error}", file=sys.stderr)
                    continue
                _process(display, decoded, config, args, workspace, findings)
    fixed_to_stdout = args.paths == ["-"] and args.fix and not args.diff
    REPORTERS[args.format](findings, sys.stderr if fixed_to_stdout else sys.stdout)
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _list_handlers(paths: list[Path], overrides: dict) -> int:
    from lambda_leak.handlers import find_handlers

    for handler in find_handlers(paths, overrides):
        print(f"{handler.path}:{handler.line + 1} {handler.name} (from {handler.origin})")
    return EXIT_CLEAN


def run_server(args: argparse.Namespace) -> int:
    from lambda_leak.lsp.server import serve

    return serve(tcp=args.tcp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "server":
            return run_server(args)
        if args.unsafe_fixes and not (args.fix or args.diff):
            raise UsageError("--unsafe-fixes needs --fix or --diff")
        if args.stdin_filename and args.paths != ["-"]:
            raise UsageError("--stdin-filename needs - as the path")
        return run_check(args)
    except (UsageError, ConfigError) as error:
        print(f"lambda-leak: {error}", file=sys.stderr)
        return EXIT_ERROR
    except UnreadableFile as error:
        print(f"lambda-leak: -: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - say what went wrong, never a traceback
        print(f"lambda-leak: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR

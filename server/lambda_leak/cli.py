"""The `lambda-leak` command: `check` for terminals and CI, `server` for editors."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterator, Sequence

from lambda_leak import __version__
from lambda_leak.config import (Config, ConfigError, config_for_directory, config_for_file, config_for_folder_files, parse_runtime,
                               real_folder, unknown_rule_message)
from lambda_leak.files import (Decoded, Exclusion, UnreadableFile, decode, folder_prefix, is_source_name, read_source,
                              walk_folders, write_atomically)
from lambda_leak.model import FileProblem, Finding
from lambda_leak.reporters import FORMATS, reporter
from lambda_leak.rules import PRESETS, all_rule_ids, expand_presets
# The analysis (engine, fixing, reporters, workspace) is imported where it is used: a check on several
# cores walks first, while a forked process imports it for the workers (`workspace.crew`).
from lambda_leak.shards import Shard

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
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument("--select", action="append", type=_rule_list, metavar="RULES", help="only these rules (comma-separated; ALL for every rule, node24 for the Node.js 24 migration)")
    check.add_argument("--ignore", action="append", type=_rule_list, metavar="RULES", help="skip these rules (comma-separated)")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too")
    check.add_argument("--diff", action="store_true", help="print the fixes as a diff and write nothing")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when leaks are found")
    check.add_argument("--stdin-filename", metavar="NAME", help="the path of the text read from stdin (with PATH -)")
    check.add_argument("--list-handlers", action="store_true", help="print the handlers found and exit")
    check.add_argument("--target-runtime", metavar="RUNTIME", help="the Lambda runtime to assume where no deployment file declares one (e.g. nodejs24.x)")
    check.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core for large trees)")
    check.add_argument("--shard", type=Shard.parse, metavar="K/N", help="check only shard K of N of the files (a stable split, for CI matrices)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    check.add_argument("--cache-dir", metavar="DIR", help="the result cache's folder (default: .lambda-leak-cache, or cache-dir in the config)")

    server = commands.add_parser("server", help="run the language server (stdio by default)")
    server.add_argument("--stdio", action="store_true", help="speak LSP over stdin/stdout (the default)")
    server.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead (for debugging)")
    return parser


def _cli_overrides(args: argparse.Namespace) -> dict:
    changes = {}
    for option in ("select", "ignore"):
        values = getattr(args, option)
        if values:
            known = all_rule_ids() | {"ALL"} | set(PRESETS)  # only now: it imports every rule
            rules = frozenset(rule for group in values for rule in group)
            unknown = sorted(rules - known)
            if unknown:
                problems = "; ".join(unknown_rule_message(rule) for rule in unknown)
                valid = ", ".join(sorted(known - {"ALL"} - set(PRESETS)))
                raise UsageError(f"--{option}: {problems}\nvalid rules: ALL, {valid}; presets: {', '.join(sorted(PRESETS))}")
            changes[option] = expand_presets(rules)
    if getattr(args, "target_runtime", None):
        changes["runtime"] = parse_runtime(args.target_runtime, "--target-runtime", "command line")
    return changes


def _diff(path: str, before: str, after: str) -> str:
    import difflib  # only `--diff` needs it

    return "".join(
        difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{path.lstrip('/')}", f"b/{path.lstrip('/')}")
    )


def _fix_labels(display: str, applied: list) -> str:
    """`# path: rule: fix title (safe)` per distinct fix, above the file's diff."""
    labels = dict.fromkeys(f"# {display}: {rule}: {fix.title} ({'safe' if fix.safe else 'unsafe'})\n" for rule, fix in applied)
    return "".join(labels)


class Results:
    """What every path of `check` (sequential, parallel, cached, stdin) collects for the reporters."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.problems: list[FileProblem] = []

    def add(self, display: str, found: list[Finding], error: str | None) -> None:
        """One file's findings and problem; the problem is also told on stderr, as always."""
        if error:
            self.problem(display, error)
        self.findings.extend(found)

    def problem(self, display: str, message: str) -> None:
        print(f"{display}: {message}", file=sys.stderr)
        self.problems.append(FileProblem(display, message))


def _process(display: str, decoded: Decoded, config: Config, args, workspace, results: Results,
             from_stdin: bool = False) -> None:
    """Analyse one file; with --fix or --diff, fix it too. Fixed stdin goes back to stdout."""
    from lambda_leak.engine import analyse_source
    from lambda_leak.fixing import fix_source

    if not (args.fix or args.diff):
        report = analyse_source(display, decoded.text, config, workspace)
        results.add(display, report.findings, report.error)
        return
    outcome = fix_source(display, decoded.text, config, unsafe=args.unsafe_fixes, workspace=workspace)
    report = outcome.report
    if report is not None:
        results.add(display, report.findings, report.error)
    if outcome.refused:
        print(f"{display}: {outcome.refused}", file=sys.stderr)
    if args.diff:
        if outcome.text != decoded.text:
            sys.stdout.write(_fix_labels(display, outcome.applied))
            sys.stdout.write(_diff(display, decoded.text, outcome.text))
    elif from_stdin:  # editors and pre-commit read the whole (fixed or not) text back
        sys.stdout.write(decoded.encode(outcome.text).decode("utf-8"))
    elif outcome.text != decoded.text:
        write_atomically(Path(display), decoded.encode(outcome.text))
        print(f"{display}: fixed {len(outcome.applied)} leak{'s' if len(outcome.applied) != 1 else ''}", file=sys.stderr)


def _workspace_for(paths: list[Path], files: list[Path] | None = None, listings: dict | None = None):
    """The cross-file index of the run (JavaScript summaries, Python project facts, deployment);
    `files`: the source files when the caller has walked them already (`listings`: that walk's)."""
    from lambda_leak.workspace import Workspace

    workspace = Workspace.for_paths(paths, keep_modules=True, files=files, listings=listings)
    workspace.read_existence_from(listings)
    return workspace


def _check_in_parallel(files: list[tuple[Path, Config]], paths: list[Path], args, results: Results,
                       listings: dict | None = None, crew=None) -> bool:
    """Check on several cores when the tree is large (never for --fix/--diff). False: not done.
    `crew`: the workers started during the walk, if any."""
    if args.fix or args.diff:
        return False
    from lambda_leak.workspace.parallel import check_in_parallel, choose_jobs

    jobs = choose_jobs(len(files), args.jobs)
    if jobs < 2:
        return False
    try:
        done = check_in_parallel(files, paths, jobs, listings=listings, crew=crew, digests=False)  # no result cache
    except Exception:  # noqa: BLE001 - a worker that died (or cannot start): check in this process instead
        return False
    for (path, _), (found, error, _) in zip(files, done):
        results.add(str(path), found, error)
    return True


def _project_root(path: Path) -> Path:
    """The folder a path run would have checked for a file read from stdin: the current folder
    when the file is inside it (editors and hooks run there), else the nearest folder above the
    file holding a deployment file or a repository, else just the file (never a stray folder
    such as /tmp)."""
    path = path.resolve()
    cwd = Path.cwd().resolve()
    if cwd in path.parents:
        return cwd
    for folder in path.parents:
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return folder
    return path


_PROJECT_MARKERS = (".git", "template.yaml", "template.yml", "serverless.yml", "serverless.yaml", "cdk.json", "lambda-leak.toml")


def _check_stdin(args: argparse.Namespace, overrides: dict, results: Results) -> int | None:
    if not args.stdin_filename:
        raise UsageError("reading stdin (-) needs --stdin-filename NAME: the file's path decides its language, config and handlers")
    name = args.stdin_filename
    decoded = decode(sys.stdin.buffer.read())
    config = config_for_file(Path(name)).merged(**overrides)
    if args.list_handlers:
        return _list_handlers([Path(name)], overrides)
    # The same deployment files and cross-file index as a path run, with stdin's text for this file.
    workspace = _workspace_for([_project_root(Path(name))])
    if workspace is not None:
        workspace.update_file(Path(name).resolve(), decoded.text)
    _process(name, decoded, config, args, workspace, results, from_stdin=True)
    return None


def _configured_files(paths: list[Path], overrides: dict, walked: list[Path] | None = None,
                      listings: dict | None = None, crew=None) -> list[tuple[Path, Config]]:
    """Each file to check with its config; every broken config file is reported, then exit 2.
    `walked` receives every source file found, the excluded ones too (the cross-file index reads them);
    `listings` the folder listings of the walk (see `files.walk_folders`); `crew` (workspace.crew.Crew)
    hears of the files found, every so many, to start the workers such a run uses."""
    files, problems = [], {}
    merged: dict[int, tuple[Config, Config]] = {}  # id(folder config) -> (it, it with the overrides)
    exclusions: dict[tuple, Exclusion] = {}  # by (patterns, config folder)
    for path, config, folder in _sources_with_configs(paths, listings):
        if crew is not None and len(files) % _CREW_STEP == 0 and files:
            crew.found(files)
        if walked is not None:
            walked.append(path)
        if isinstance(config, ConfigError):
            problems.setdefault(str(config), None)
            continue
        if overrides:  # one merged config per folder config: shared, so its cache fingerprint is too
            if id(config) not in merged:
                merged[id(config)] = (config, config.merged(**overrides))  # the pair keeps the id taken
            config = merged[id(config)][1]
        if config.exclude and path not in paths and _excluded(path, config, folder, exclusions):
            continue
        files.append((path, config))
    if problems:
        raise ConfigError("\n".join(problems))
    return files


def _sources_with_configs(paths: list[Path], listings: dict | None = None,
                          ) -> Iterator[tuple[Path, Config | ConfigError, str | None]]:
    """The files of `iter_source_files(paths, listings)`, each with its `config_for_file` or the
    ConfigError that raises, looked up once per folder (a file that is no link has its folder's
    config): a stat or two per file was a third of the walk's time. Also each file's folder,
    absolute, when the file is no link (None for a link): its resolved path is then the real
    folder's and its name."""
    for root in paths:
        name = os.fspath(root)
        if not os.path.isdir(name):
            if os.path.exists(name):
                yield root, _config_or_error(root), None
            continue
        configs: dict[str, Config | ConfigError] = {}  # by absolute folder, for its subfolders
        for inside, absolute, listing, sources in walk_folders(name, is_source_name, listings):
            parent = configs.get(absolute.rpartition(os.sep)[0])  # a miss ("/" has no name): looked up
            configs[absolute] = config = _folder_config(absolute, listing.files, parent)
            for entry in sources:
                path = Path(inside + entry)
                if entry in listing.links:
                    yield path, _config_or_error(path), None
                else:
                    yield path, config, absolute


def _folder_config(absolute: str, names: list[str], parent: Config | ConfigError | None) -> Config | ConfigError:
    try:  # a broken config file above: looked up again, to raise its error again
        return config_for_folder_files(absolute, names, parent if isinstance(parent, Config) else None)
    except ConfigError as error:
        return error


def _excluded(path: Path, config: Config, folder: str | None, exclusions: dict[tuple, Exclusion]) -> bool:
    """`is_excluded(path, config.exclude, config.root)`; `folder`: the absolute folder of a file
    that is no link (its resolved path is then its real folder's and its name)."""
    exclusion = exclusions.get((config.exclude, config.root))
    if exclusion is None:
        exclusion = exclusions[(config.exclude, config.root)] = Exclusion(config.exclude, config.root)
    resolved = None if folder is None else folder_prefix(real_folder(folder)) + path.name
    return exclusion.excludes(path, resolved)


def _config_or_error(path: Path) -> Config | ConfigError:
    try:
        return config_for_file(path)
    except ConfigError as error:
        return error


def run_check(args: argparse.Namespace) -> int:
    overrides = _cli_overrides(args)
    results = Results()
    checked: list[str] = [args.stdin_filename or "-"]
    if args.paths == ["-"]:
        listed = _check_stdin(args, overrides, results)
        if listed is not None:
            return listed
    else:
        paths = [Path(p) for p in args.paths]
        for path in paths:
            if not path.exists():
                raise UsageError(f"{path}: no such file or folder")
        if args.list_handlers:
            return _list_handlers(paths, overrides)
        cache = None if args.fix or args.diff or args.no_cache else _open_cache(args)
        if cache is not None:
            checked = _check_with_cache(cache, args, paths, overrides, results)
            return _report(args, results, checked)
        walked: list[Path] = []
        listings: dict = {}  # each folder listed once in this run: sources, then deployment files
        with _crew(args) as crew:
            files = _files_to_check(paths, overrides, args, walked, listings, crew)
            checked = [str(path) for path, _ in files]
            in_parallel = _check_in_parallel(files, paths, args, results, listings, crew)
        if not in_parallel:
            workspace = _workspace_for(paths, walked, listings)
            for path, config in files:
                display = str(path)
                try:
                    decoded = read_source(path, config.max_file_size)
                except UnreadableFile as error:
                    results.problem(display, str(error))
                    continue
                _process(display, decoded, config, args, workspace, results)
    return _report(args, results, checked)


def _report(args: argparse.Namespace, results: Results, checked: list[str]) -> int:
    findings = results.findings
    fixed_to_stdout = args.paths == ["-"] and args.fix and not args.diff
    out = sys.stderr if fixed_to_stdout else sys.stdout
    if args.diff and findings and args.format == "text":
        out.write("\n# Not fixed (no fix, or only unsafe fixes without --unsafe-fixes):\n" if not args.unsafe_fixes
                  else "\n# Not fixed (no fix for these):\n")
    _reporter(args, checked, results.problems)(findings, out)
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _reporter(args: argparse.Namespace, checked: list[str], problems: list[FileProblem]):
    """The chosen format, given what it needs beyond the findings. Files that could not be
    analysed go to SARIF and JUnit only: text, json and github keep their contract, and GitLab
    Code Quality has no place for them."""
    if args.format == "sarif":
        return partial(reporter("sarif"), automation_id=args.shard.automation_id if args.shard else None, problems=problems)
    if args.format == "junit":
        return partial(reporter("junit"), checked=checked, problems=problems)
    return reporter(args.format)


def _say_no_files(paths: list[Path]) -> None:
    print(f"lambda-leak: no JavaScript, TypeScript or Python files to check in {', '.join(map(str, paths))}", file=sys.stderr)


_CREW_STEP = 75  # files found between two looks at how many workers the run will use


@contextmanager
def _crew(args: argparse.Namespace, wanted: bool = True):
    """Workers to start during the walk of a check that may run on several cores (not --fix/--diff),
    or None; shut down on the way out."""
    if not wanted or args.fix or args.diff or args.jobs == 1:
        yield None
        return
    from lambda_leak.workspace.crew import Crew

    crew = Crew(args.jobs)
    if any(os.path.isdir(path) for path in args.paths):  # a walk: it may find files enough for several cores
        crew.warm()
    try:
        yield crew
    finally:
        crew.shutdown(wait=False)  # unused (else done with already): its imports are no reason to wait


def _files_to_check(paths: list[Path], overrides: dict, args: argparse.Namespace,
                    walked: list[Path] | None = None, listings: dict | None = None, crew=None,
                    ) -> list[tuple[Path, Config]]:
    files = _configured_files(paths, overrides, walked, listings, crew)
    if not files:
        _say_no_files(paths)
    if args.shard:  # split only what is analysed: cross-file facts still come from all of `paths`
        files = [(path, config) for path, config in files if args.shard.takes(path)]
    if crew is not None:
        crew.walked(len(files))
    return files


def _open_cache(args: argparse.Namespace):
    from lambda_leak.cache import DEFAULT_FOLDER, ResultCache

    if args.cache_dir:
        return ResultCache(Path(args.cache_dir))
    config = config_for_directory(Path.cwd())
    if config.cache_dir:
        return ResultCache((config.root or Path.cwd()) / config.cache_dir)
    return ResultCache(Path(DEFAULT_FOLDER))


def _check_with_cache(cache, args: argparse.Namespace, paths: list[Path], overrides: dict, results: Results) -> list[str]:
    """Serve an unchanged run from the cache (a stat per file); else check what changed. Returns the
    files checked (displayed paths)."""
    from lambda_leak.cache import run_key

    run = run_key(args, paths)
    cached = cache.run_results(run)
    if cached is None:
        cache.prepare()
        listings: dict = {}  # each folder listed once in this run: sources, then deployment files
        with _crew(args, wanted=not cache.data.files) as crew:  # a cold cache: every file will be analysed
            files = _files_to_check(paths, overrides, args, listings=listings, crew=crew)
            from lambda_leak import cached_check  # the analysis: after the walk, not at all when served whole

            cached, stamps = cached_check.check(files, paths, args.jobs, cache, listings, crew)
        served_again = not any(error and "internal error" in error for _, _, error in cached)
        cache.save(run if served_again else None, stamps, cached)
    elif not cached:
        _say_no_files(paths)
    for display, found, error in cached:
        results.add(display, found, error)
    return [display for display, _, _ in cached]


def _list_handlers(paths: list[Path], overrides: dict) -> int:
    from lambda_leak.handlers import find_handlers

    for handler in find_handlers(paths, overrides):
        runtime = f"; {handler.runtime}" if handler.runtime else ""
        how = f"; {handler.how}" if handler.how else ""
        print(f"{handler.path}:{handler.line + 1} {handler.name} (from {handler.origin}{runtime}{how})")
    return EXIT_CLEAN


def run_server(args: argparse.Namespace) -> int:
    from lambda_leak.lsp.server import serve

    return serve(tcp=args.tcp)


@contextmanager
def _collector_for_a_batch():
    """`check` keeps its parsed trees and summaries for the whole run while it allocates millions of
    short-lived objects: the collector's full passes walk all of them again and again, for a tenth to a
    fifth of the run's CPU time. Everything imported so far is frozen out of its walks (worker processes
    started with fork inherit that), and full passes are made rare; young cycles are still collected."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:
    """The `lambda-leak` command. A `check` ends without the interpreter's teardown: freeing every
    tree, summary and finding one by one takes up to a tenth of a second on a large tree, for nothing.
    (The language server ends as usual: its threads and streams close in order.)"""
    code = main()
    if sys.argv[1:2] == ["check"] and _flushed():
        os._exit(code)
    sys.exit(code)  # a stream that could not be flushed: the interpreter's exit reports it, as it always did


def _flushed() -> bool:
    """Everything written has reached stdout and stderr (or their reader has gone: a closed pipe)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue  # started with the stream closed: nothing was written to it
        try:
            stream.flush()
        except BrokenPipeError:
            continue  # `check | head`: the reader has what it wanted
        except (OSError, ValueError):  # a full disk, an I/O error: not a success to exit on silently
            return False
    return True


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
        if args.shard and args.paths == ["-"]:
            raise UsageError("--shard splits files, not stdin")
        from lambda_leak.workspace.keys import fixed_folder

        with _collector_for_a_batch(), fixed_folder():  # a check never changes folder
            return run_check(args)
    except (UsageError, ConfigError) as error:
        for line in str(error).splitlines():
            print(f"lambda-leak: {line}", file=sys.stderr)
        return EXIT_ERROR
    except UnreadableFile as error:
        print(f"lambda-leak: -: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:  # `lambda-leak check --diff | head`: the reader has all it wants
        _silence_stdout()
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - say what went wrong, never a traceback
        print(f"lambda-leak: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR

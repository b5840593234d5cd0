"""Typed settings, parsed in one place, from config files and editor settings alike.

Config files: `lambda-leak.toml`, `.lambda-leak.toml`, or `[tool.lambda-leak]` in
`pyproject.toml`, found by walking up from each analysed file. Keys are kebab-case; the
language server passes editor settings (camelCase) through `parse_settings` too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from lambda_leak.model import Severity

CONFIG_FILE_NAMES = ("lambda-leak.toml", ".lambda-leak.toml", "pyproject.toml")
DEFAULT_HANDLER_NAMES = ("handler", "*Handler", "*_handler", "main", "lambda_handler")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024


class ConfigError(ValueError):
    """A setting lambda-leak cannot use; the message names the key and where it came from."""


@dataclass(frozen=True)
class Config:
    select: frozenset[str] | None = None  # None: every rule that is on by default
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    scope: str = "handlers"  # "handlers": only code on a handler path; "all": every function
    handler_names: tuple[str, ...] = DEFAULT_HANDLER_NAMES
    promise_functions: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    runtime: str | None = None  # the Lambda runtime to assume where no deployment file declares one
    cache_dir: str | None = None  # `check`'s result cache, relative to the config file's folder
    root: Path | None = None  # folder of the config file, for `exclude` patterns

    def merged(self, **changes: Any) -> "Config":
        return replace(self, **changes)


def _known_rule_ids() -> frozenset[str]:
    from lambda_leak.rules import all_rule_ids

    return all_rule_ids()


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "-" + m.group(1).lower(), key).replace("_", "-")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean `x`?` for a close match, else nothing."""
    import difflib  # here, not at the top: only a mistake needs it, and every run starts by importing this module

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def _rule_names() -> frozenset[str]:
    """What `select`/`ignore` accept: rule ids, ALL, and presets such as node24."""
    from lambda_leak.rules import PRESETS

    return _known_rule_ids() | {"ALL"} | frozenset(PRESETS)


def unknown_rule_message(rule: str) -> str:
    return f"unknown rule `{rule}`{did_you_mean(rule, _rule_names())}"


SETTING_KEYS = (
    "select", "ignore", "severity", "scope", "handler-names", "promise-functions", "exclude", "max-file-size", "runtime",
    "cache-dir",
)


class _Problems:
    """Every problem in one settings table, so a user fixes them all in one go."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(f"{self.origin}: {message}")


def _str_list(value: Any, key: str, problems: _Problems) -> tuple[str, ...] | None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        example = f' (write `{key} = ["{value}"]`)' if isinstance(value, str) else ""
        problems.add(f"`{key}` must be a list of strings{example}")
        return None
    return tuple(value)


def _rule_set(value: Any, key: str, problems: _Problems, presets: bool = True) -> frozenset[str] | None:
    from lambda_leak.rules import expand_presets

    names = _str_list(value, key, problems)
    if names is None:
        return None
    accepted = _rule_names() if presets else _known_rule_ids() | {"ALL"}
    unknown = [rule for rule in dict.fromkeys(names) if rule not in accepted]
    for rule in unknown:
        problems.add(f"`{key}`: {unknown_rule_message(rule)}")
    return None if unknown else expand_presets(frozenset(names))


RUNTIME_PATTERN = re.compile(r"nodejs\d+\.x|python3\.\d+")


def parse_runtime(value: Any, key: str, origin: str) -> str:
    """A Lambda runtime identifier (`--target-runtime`, the `runtime` key), or ConfigError."""
    if not isinstance(value, str) or not RUNTIME_PATTERN.fullmatch(value):
        raise ConfigError(f'{origin}: `{key}` must be a Lambda runtime identifier such as "nodejs24.x" or "python3.13"')
    return value


def _severities(value: Any, key: str, problems: _Problems) -> dict[str, Severity] | None:
    if not isinstance(value, dict):
        problems.add(f"`{key}` must be a table of rule = severity")
        return None
    levels: dict[str, Severity] = {}
    ok = _rule_set(list(value), key, problems, presets=False) is not None
    for rule, level in value.items():
        try:
            levels[rule] = Severity(level.lower() if isinstance(level, str) else "")
        except ValueError:
            problems.add(f"`{key}.{rule}` must be one of error, warning, info, hint")
            ok = False
    return levels if ok else None


def parse_settings(data: dict[str, Any], origin: str, base: Config | None = None) -> Config:
    """Validate a settings table onto `base`. Unknown keys and wrong types are errors, all of
    them reported at once (one line each) so typos surface."""
    config = base or Config()
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: settings must be a table")
    problems = _Problems(origin)
    changes: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = _kebab(raw_key)
        if key in ("select", "ignore"):
            parsed: Any = _rule_set(value, raw_key, problems)
        elif key == "severity":
            parsed = _severities(value, raw_key, problems)
        elif key == "scope":
            parsed = value if value in ("handlers", "all") else None
            if parsed is None:
                problems.add(f'`{raw_key}` must be "handlers" or "all"')
        elif key in ("handler-names", "promise-functions", "exclude"):
            parsed = _str_list(value, raw_key, problems)
        elif key == "runtime":
            try:
                parsed = parse_runtime(value, raw_key, problems.origin)
            except ConfigError as error:
                problems.messages.append(str(error))
                parsed = None
        elif key == "max-file-size":
            parsed = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
            if parsed is None:
                problems.add(f"`{raw_key}` must be a positive number of bytes")
        elif key == "cache-dir":
            parsed = value if isinstance(value, str) and value.strip() else None
            if parsed is None:
                problems.add(f"`{raw_key}` must be a folder name")
        else:
            problems.add(f"unknown key `{raw_key}`{did_you_mean(key, SETTING_KEYS)}")
            continue
        if parsed is not None:
            changes[key.replace("-", "_")] = parsed
    if problems.messages:
        raise ConfigError("\n".join(problems.messages))
    return replace(config, **changes)


def _read_config_file(path: Path) -> dict[str, Any] | None:
    import tomllib  # here, not at the top: most projects have no config file, and every run imports this module

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("lambda-leak")
    return data


def config_for_directory(directory: str | os.PathLike) -> Config:
    """The config that governs files in `directory`: the nearest config file going up, or defaults."""
    return _config_in(os.path.abspath(directory))


@lru_cache(maxsize=16384)
def _config_in(folder: str) -> Config:
    # Strings, and each folder asks its parent (cached): a walk over thousands of folders costs a
    # few stats per folder instead of a pathlib walk to the root per folder.
    for name in CONFIG_FILE_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            data = _read_config_file(Path(candidate))
            if data is None:  # a pyproject.toml without our table
                continue
            return parse_settings(data, candidate, Config(root=Path(folder)))
    parent = os.path.dirname(folder)
    return Config() if parent == folder else _config_in(parent)


@lru_cache(maxsize=65536)
def real_folder(folder: str) -> str:
    """`os.path.realpath` of an absolute, normalised folder, built from its parent's (cached): a walk
    over thousands of folders costs one lstat per folder instead of one per part of each path."""
    parent, name = os.path.split(folder)
    if not name or parent == folder or os.path.islink(folder):
        return os.path.realpath(folder)
    return os.path.join(real_folder(parent), name)


def _clear_caches() -> None:
    _config_in.cache_clear()
    real_folder.cache_clear()


config_for_directory.cache_clear = _clear_caches  # type: ignore[attr-defined] - config files changed


_CONFIG_FILE_NAME_SET = frozenset(CONFIG_FILE_NAMES)


def config_for_folder_files(folder: str, names: Iterable[str], parent: Config | None = None) -> Config:
    """`config_for_file` of the files in `folder` (absolute, normalised) that are not symbolic links,
    for a walk that has listed it (`names`: its entries but folders): `parent`, that of the files in
    the folder it came from (not through a link), when no entry is named like a config file; else
    looked up. No stat per file nor per folder without a config file; nothing cached here."""
    if parent is not None and _CONFIG_FILE_NAME_SET.isdisjoint(names):
        return parent
    return _config_in(real_folder(folder))


def config_for_file(path: Path) -> Config:
    name = os.path.abspath(path)
    if os.path.islink(name):
        return _config_in(os.path.dirname(os.path.realpath(name)))
    return _config_in(real_folder(os.path.dirname(name)))

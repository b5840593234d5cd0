"""Typed settings, parsed in one place, from config files and editor settings alike.

Config files: `lambda-leak.toml`, `.lambda-leak.toml`, or `[tool.lambda-leak]` in
`pyproject.toml`, found by walking up from each analysed file. Keys are kebab-case; the
language server passes editor settings (camelCase) through `parse_settings` too.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    cache_dir: str | None = None  # `check`'s result cache, relative to the config file's folder
    root: Path | None = None  # folder of the config file, for `exclude` patterns

    def merged(self, **changes: Any) -> "Config":
        return replace(self, **changes)


def _known_rule_ids() -> frozenset[str]:
    from lambda_leak.rules import all_rule_ids

    return all_rule_ids()


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "-" + m.group(1).lower(), key).replace("_", "-")


def _str_list(value: Any, key: str, origin: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: `{key}` must be a list of strings")
    return tuple(value)


def _rule_set(value: Any, key: str, origin: str) -> frozenset[str]:
    rules = frozenset(_str_list(value, key, origin))
    unknown = sorted(rules - _known_rule_ids() - {"ALL"})
    if unknown:
        raise ConfigError(f"{origin}: `{key}` names unknown rule(s): {', '.join(unknown)}")
    return rules


def parse_settings(data: dict[str, Any], origin: str, base: Config | None = None) -> Config:
    """Validate a settings table onto `base`. Unknown keys are errors, so typos surface."""
    config = base or Config()
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: settings must be a table")
    changes: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = _kebab(raw_key)
        if key == "select":
            changes["select"] = _rule_set(value, raw_key, origin)
        elif key == "ignore":
            changes["ignore"] = _rule_set(value, raw_key, origin)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: `{raw_key}` must be a table of rule = severity")
            _rule_set(list(value), raw_key, origin)
            levels = {}
            for rule, level in value.items():
                try:
                    levels[rule] = Severity(str(level).lower())
                except ValueError:
                    raise ConfigError(
                        f"{origin}: `{raw_key}.{rule}` must be one of error, warning, info, hint"
                    ) from None
            changes["severity"] = levels
        elif key == "scope":
            if value not in ("handlers", "all"):
                raise ConfigError(f'{origin}: `{raw_key}` must be "handlers" or "all"')
            changes["scope"] = value
        elif key == "handler-names":
            changes["handler_names"] = _str_list(value, raw_key, origin)
        elif key == "promise-functions":
            changes["promise_functions"] = _str_list(value, raw_key, origin)
        elif key == "exclude":
            changes["exclude"] = _str_list(value, raw_key, origin)
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{origin}: `{raw_key}` must be a positive number of bytes")
            changes["max_file_size"] = value
        elif key == "cache-dir":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{origin}: `{raw_key}` must be a folder name")
            changes["cache_dir"] = value
        else:
            raise ConfigError(f"{origin}: unknown key `{raw_key}`")
    return replace(config, **changes)


def _read_config_file(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("lambda-leak")
    return data


def config_for_directory(directory: Path) -> Config:
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


@lru_cache(maxsize=16384)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _clear_caches() -> None:
    _config_in.cache_clear()
    _real_folder.cache_clear()


config_for_directory.cache_clear = _clear_caches  # type: ignore[attr-defined] - config files changed


def config_for_file(path: Path) -> Config:
    name = os.path.abspath(path)
    if os.path.islink(name):
        return _config_in(os.path.dirname(os.path.realpath(name)))
    return _config_in(_real_folder(os.path.dirname(name)))

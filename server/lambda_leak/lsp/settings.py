"""Editor settings: parsed by `config.parse_settings` (the one validator), per workspace folder.

Shapes accepted, from `initializationOptions`, `workspace/configuration` (section `lambdaLeak`)
and `didChangeConfiguration`:
- a settings dict: `{"select": [...], "ignore": [...], "run": "onSave", ...}` (camelCase or
  kebab-case), optionally wrapped as `{"lambdaLeak": {...}}`;
- a per-folder list: `[{"workspace": "file:///folder", "settings": {...}}, ...]` (the folder
  may also be named `workspaceFolder` or `scopeUri`, as a URI or `{"uri": ...}`; settings may
  sit inline next to it).

A project config file is honoured first; the editor's settings fill in what it leaves open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from lambda_leak.config import Config, ConfigError, config_for_file, parse_settings

log = logging.getLogger(__name__)

_EDITOR_KEYS = {"run", "logLevel", "log-level", "log_level"}
_FOLDER_KEYS = ("workspace", "workspaceFolder", "scopeUri", "uri")
_DEFAULTS = Config()
_MERGED_FIELDS = [f.name for f in fields(Config) if f.name != "root"]
RUN_MODES = ("onType", "onSave")
DIAGNOSTICS_MODES = ("openFiles", "workspace")
LOG_LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}


@dataclass(frozen=True)
class EditorSettings:
    config: Config = field(default_factory=Config)
    run: str = "onType"
    log_level: str = "warning"
    diagnostics: str = "openFiles"  # or "workspace": every file's problems, open or not


def parse_editor_settings(data: Any, origin: str) -> tuple[EditorSettings, list[str]]:
    """Parse one settings dict. Bad keys are reported and left out; the good ones still apply."""
    errors: list[str] = []
    if data is None:
        return EditorSettings(), errors
    if not isinstance(data, dict):
        return EditorSettings(), [f"{origin}: settings must be an object"]
    if isinstance(data.get("lambdaLeak"), dict):
        data = data["lambdaLeak"]
    run, level, scope = "onType", "warning", "openFiles"
    good: dict[str, Any] = {}
    for key, value in data.items():
        if key == "run":
            if value in RUN_MODES:
                run = value
            else:
                errors.append(f'{origin}: `run` must be "onType" or "onSave"')
        elif key in _EDITOR_KEYS:
            if isinstance(value, str) and value.lower() in LOG_LEVELS:
                level = value.lower()
            else:
                errors.append(f"{origin}: `{key}` must be one of {', '.join(LOG_LEVELS)}")
        elif key == "diagnostics":
            if value in DIAGNOSTICS_MODES:
                scope = value
            else:
                errors.append(f'{origin}: `diagnostics` must be "openFiles" or "workspace"')
        elif key in _FOLDER_KEYS:
            continue
        else:
            try:
                parse_settings({key: value}, origin)
                good[key] = value
            except ConfigError as error:
                errors.extend(str(error).splitlines())
            except Exception as error:  # noqa: BLE001 - e.g. a rule module that fails to import
                log.exception("checking setting %s failed", key)
                errors.append(f"{origin}: `{key}` could not be checked ({type(error).__name__}: {error})")
    try:
        config = parse_settings(good, origin) if good else Config()
    except Exception as error:  # noqa: BLE001
        config, errors = Config(), errors + [f"{origin}: {error}"]
    return EditorSettings(config, run, level, scope), errors


def _folder_path(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("uri")
    if not isinstance(value, str) or not value:
        return None
    path = to_fs_path(value) if "://" in value else value
    return str(Path(path)) if path else None


class Settings:
    """The editor settings in force: a global set and per-folder sets (longest folder wins)."""

    def __init__(self) -> None:
        self.global_settings = EditorSettings()
        self.folders: dict[str, EditorSettings] = {}

    def load(self, data: Any, origin: str, folder: str | None = None) -> list[str]:
        """Replace the settings for `folder` (None: global, or whatever a per-folder list names)."""
        errors: list[str] = []
        if isinstance(data, list):
            for item in data:
                if not isinstance(item, dict):
                    errors.append(f"{origin}: each per-folder entry must be an object")
                    continue
                target = next((_folder_path(item[k]) for k in _FOLDER_KEYS if k in item), None)
                settings = item.get("settings", item)
                errors += self.load(settings, origin, target)
            return errors
        parsed, errors = parse_editor_settings(data, origin)
        if folder is None:
            self.global_settings = parsed
        else:
            self.folders[folder] = parsed
        return errors

    def for_path(self, path: str) -> EditorSettings:
        best, best_len = self.global_settings, -1
        for folder, settings in self.folders.items():
            if (path == folder or path.startswith(folder.rstrip("/") + "/")) and len(folder) > best_len:
                best, best_len = settings, len(folder)
        return best

    def config_for(self, path: str) -> tuple[Config, str | None]:
        """The config for a file, and the project config file's error if it has one."""
        editor = self.for_path(path).config
        error = None
        try:
            project = config_for_file(Path(path))
        except ConfigError as problem:
            project, error = Config(), str(problem)
        except OSError:
            project = Config()
        changes = {
            name: getattr(editor, name)
            for name in _MERGED_FIELDS
            if getattr(project, name) == getattr(_DEFAULTS, name) and getattr(editor, name) != getattr(_DEFAULTS, name)
        }
        return (project.merged(**changes) if changes else project), error

    def overrides(self) -> dict[str, Any]:
        """The global editor settings that differ from the defaults, as `Config` field changes."""
        editor = self.global_settings.config
        return {n: getattr(editor, n) for n in _MERGED_FIELDS if getattr(editor, n) != getattr(_DEFAULTS, n)}

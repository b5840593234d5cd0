"""Unit tests (no server) for the shapes editor settings arrive in."""

from __future__ import annotations

from pathlib import Path

from lambda_leak.lsp.settings import Settings
from lambda_leak.model import Severity


def test_vscode_per_folder_list(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    settings = Settings()
    errors = settings.load([
        {"uri": one.as_uri(), "settings": {"ignore": ["timer-leak"], "run": "onSave", "logLevel": "info"}},
        {"uri": two.as_uri(), "settings": {"severity": {"floating-promise": "error"}, "run": "onType", "logLevel": "warning"}},
    ], "initializationOptions")
    assert errors == []
    assert settings.for_path(str(one / "a.js")).run == "onSave"
    assert settings.config_for(str(one / "a.js"))[0].ignore == frozenset({"timer-leak"})
    assert settings.config_for(str(two / "b.js"))[0].severity == {"floating-promise": Severity.ERROR}
    assert settings.for_path(str(tmp_path / "elsewhere.js")).run == "onType"  # the global default
    assert settings.for_path(str(tmp_path / "one-more" / "c.js")).run == "onType"  # not inside `one`


def test_wrapped_and_camel_case_keys(tmp_path):
    settings = Settings()
    assert settings.load({"lambdaLeak": {"handlerNames": ["go"], "maxFileSize": 10, "promiseFunctions": ["db.q"]}}, "x") == []
    config, error = settings.config_for(str(tmp_path / "a.js"))
    assert error is None
    assert config.handler_names == ("go",) and config.max_file_size == 10 and config.promise_functions == ("db.q",)


def test_project_file_wins_where_it_speaks(tmp_path):
    (tmp_path / "lambda-leak.toml").write_text('scope = "all"\n')
    settings = Settings()
    settings.load({"scope": "handlers", "ignore": ["timer-leak"]}, "editor")
    config, _ = settings.config_for(str(tmp_path / "src" / "a.js"))
    assert config.scope == "all" and config.ignore == frozenset({"timer-leak"})
    assert config.root == Path(tmp_path)


def test_bad_values_are_reported_and_skipped():
    settings = Settings()
    errors = settings.load({"ignore": "timer-leak", "select": ["nope"], "colour": 1, "run": 3, "scope": "all"}, "editor")
    assert len(errors) == 4 and any("nope" in e for e in errors) and any("colour" in e for e in errors)
    assert any("`ignore` must be a list of strings" in e for e in errors)  # a lone string is a mistake
    assert settings.global_settings.config.scope == "all"  # the good settings still apply
    assert settings.load("not a dict", "editor") == ["editor: settings must be an object"]

"""Settings are parsed in one place, with errors that name the key and where it came from."""

from __future__ import annotations

import pytest

from lambda_leak.config import Config, ConfigError, config_for_directory, parse_settings
from lambda_leak.model import Severity


def test_defaults():
    config = Config()
    assert config.select is None and config.scope == "handlers"
    assert "handler" in config.handler_names and "*Handler" in config.handler_names


def test_kebab_and_camel_case_keys_mean_the_same():
    a = parse_settings({"handler-names": ["run"], "promise-functions": ["db.query"]}, "file")
    b = parse_settings({"handlerNames": ["run"], "promiseFunctions": ["db.query"]}, "editor")
    assert a == b and a.handler_names == ("run",)


def test_severity_and_scope():
    config = parse_settings({"severity": {"timer-leak": "ERROR"}, "scope": "all"}, "x")
    assert config.severity == {"timer-leak": Severity.ERROR} and config.scope == "all"


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"selct": []}, "unknown key `selct`; did you mean `select`?"),
        ({"select": ["timer-leek"]}, "`select`: unknown rule `timer-leek`; did you mean `timer-leak`?"),
        ({"select": "timer-leak"}, '`select` must be a list of strings (write `select = ["timer-leak"]`)'),
        ({"ignore": ["zzz"]}, "`ignore`: unknown rule `zzz`"),
        ({"handler-names": "main"}, "`handler-names` must be a list of strings"),
        ({"max-file-size": "2MB"}, "positive number of bytes"),
        ({"severity": ["timer-leak"]}, "`severity` must be a table"),
        ({"severity": {"timer-leak": "loud"}}, "`severity.timer-leak` must be one of"),
        ({"scope": "everything"}, "`scope` must be"),
        ({"max-file-size": -1}, "positive number of bytes"),
        ({"exclude": [1]}, "`exclude` must be a list of strings"),
    ],
)
def test_bad_settings_name_the_key(settings, message):
    with pytest.raises(ConfigError) as error:
        parse_settings(settings, "lambda-leak.toml")
    assert message in str(error.value) and str(error.value).startswith("lambda-leak.toml: ")


def test_nearest_config_file_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lambda-leak]\nscope = "all"\n')
    inner = tmp_path / "svc"
    inner.mkdir()
    (inner / ".lambda-leak.toml").write_text('ignore = ["timer-leak"]\n')
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: keep looking up
    config_for_directory.cache_clear()
    assert config_for_directory(inner).ignore == frozenset({"timer-leak"})
    assert config_for_directory(inner).scope == "handlers"
    assert config_for_directory(tmp_path / "other").scope == "all"
    assert config_for_directory(tmp_path / "other").root == tmp_path


def test_invalid_toml_is_a_config_error(tmp_path):
    (tmp_path / "lambda-leak.toml").write_text("select = [\n")
    config_for_directory.cache_clear()
    with pytest.raises(ConfigError, match="not valid TOML"):
        config_for_directory(tmp_path)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as error:
        parse_settings({"selct": ["ALL"], "ignore": ["timer-leek", "floating-promis"], "scope": "every"}, "a/lambda-leak.toml")
    lines = str(error.value).splitlines()
    assert lines == [
        "a/lambda-leak.toml: unknown key `selct`; did you mean `select`?",
        "a/lambda-leak.toml: `ignore`: unknown rule `timer-leek`; did you mean `timer-leak`?",
        "a/lambda-leak.toml: `ignore`: unknown rule `floating-promis`; did you mean `floating-promise`?",
        'a/lambda-leak.toml: `scope` must be "handlers" or "all"',
    ]


def test_no_suggestion_for_a_word_nothing_resembles():
    with pytest.raises(ConfigError) as error:
        parse_settings({"colour": True}, "x")
    assert str(error.value) == "x: unknown key `colour`"

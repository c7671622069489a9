from __future__ import annotations

from pathlib import Path

import pytest

from readylint.config import Config, ConfigError, find_config_file, load_config, parse_size
from readylint.diagnostics import Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_table_is_read(tmp_path):
    write(tmp_path / "pyproject.toml", """
[tool.readylint]
select = ["RL1", "parse-error"]
ignore = ["RL202"]
extend-exclude = ["legacy/"]
per-file-ignores = { "tests/*" = ["RL5"] }
max-file-size = "5MB"
fail-on = "error"
extend-rules = ["lint/client.yaml"]

[tool.readylint.rules.RL101]
default-timeout = 7
""")
    config = load_config(None, tmp_path)
    assert config.path == tmp_path / "pyproject.toml"
    assert config.select == ["RL1", "parse-error"]
    assert config.ignore == ["RL202"]
    assert config.extend_exclude == ["legacy/"]
    assert config.per_file_ignores == {"tests/*": ["RL5"]}
    assert config.max_file_size == 5 * 1024 * 1024
    assert config.fail_on is Severity.ERROR
    assert config.extend_rules == [(tmp_path / "lint/client.yaml").resolve()]
    assert config.rule_options == {"RL101": {"default-timeout": 7}}


def test_nearest_config_wins_and_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / "readylint.yaml", "ignore: [RL001]\n")
    write(tmp_path / "service" / "pyproject.toml", "[project]\nname = 'x'\n")
    (tmp_path / "service" / "app").mkdir()
    assert find_config_file(tmp_path / "service" / "app") == tmp_path / "readylint.yaml"
    write(tmp_path / "service" / ".readylint.yaml", "ignore: [RL002]\n")
    assert load_config(None, tmp_path / "service" / "app").ignore == ["RL002"]


def test_no_config_gives_defaults(tmp_path):
    config = load_config(None, tmp_path)
    assert config == Config()
    assert config.fail_on is Severity.WARNING


def test_unknown_key_names_file_and_suggests(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.readylint]\nexlude = ['x']\n")
    with pytest.raises(ConfigError) as error:
        load_config(None, tmp_path)
    message = str(error.value)
    assert str(path) in message and "'exlude'" in message and "did you mean 'exclude'" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[tool.readylint\nselect = 1", "invalid TOML"),
        ("[tool.readylint]\nselect = 1", "'select' must be a list of strings"),
        ("[tool.readylint]\nfail-on = 'fatal'", "unknown severity"),
        ("[tool.readylint]\nmax-file-size = 'big'", "must be a size"),
        ("[tool.readylint]\nrespect-gitignore = 'yes'", "must be true or false"),
        ("[tool.readylint]\nper-file-ignores = ['x']", "must map path patterns"),
        ("[tool.readylint]\nrules = { RL101 = 3 }", "must map rule codes"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path, text, fragment):
    write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError, match=fragment):
        load_config(None, tmp_path)


def test_bad_yaml_and_non_mapping(tmp_path):
    write(tmp_path / "readylint.yaml", "select: [RL1\n")
    with pytest.raises(ConfigError, match="invalid YAML at line"):
        load_config(None, tmp_path)
    write(tmp_path / "readylint.yaml", "- RL1\n")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(None, tmp_path)


def test_explicit_config_missing_or_unreadable(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml", tmp_path)
    binary = tmp_path / "bad.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(binary, tmp_path)


def test_empty_yaml_is_defaults(tmp_path):
    write(tmp_path / ".readylint.yaml", "")
    config = load_config(None, tmp_path)
    assert config.path == tmp_path / ".readylint.yaml"
    assert config.select is None


@pytest.mark.parametrize("value, size", [(1024, 1024), ("1KB", 1024), ("2mb", 2 * 1024**2), ("1.5 MiB", int(1.5 * 1024**2)), ("300", 300)])
def test_parse_size(value, size):
    assert parse_size("f", "max-file-size", value) == size

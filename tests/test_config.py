"""Config loading and validation: every key of the example, and clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.core.config import OFFICIAL_API, ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def test_example_config_is_complete_and_matches_defaults() -> None:
    data = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    config = parse_config(data)
    assert config == parse_config({})
    assert config.telegram.base_url == OFFICIAL_API
    assert config.digest.timezone == "Asia/Tehran"
    assert config.stats.counting == "all"
    for section in ("telegram", "bot", "database", "digest", "groups", "report", "stats"):
        assert section in data


def test_values_are_typed() -> None:
    config = parse_config(
        {
            "telegram": {"token": TOKEN, "base_url": "http://127.0.0.1:8081"},
            "bot": {"admins": [1, 2]},
            "database": {"path": "x.db"},
            "digest": {"weekday": "thursday", "time": "20:30"},
            "groups": {"creation": "approval"},
            "report": {"review": True},
            "stats": {"counting": "approved"},
        }
    )
    assert config.stats.counting == "approved"
    assert config.bot.admins == (1, 2)
    assert config.digest.at.hour == 20
    assert config.groups.creation == "approval"
    assert config.has_token


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"telegram": {"tokn": "x"}}, "telegram.tokn"),
        ({"telegramm": {}}, "telegramm"),
        ({"telegram": {"token": "not-a-token"}}, "telegram.token"),
        ({"telegram": {"token": 12345}}, "telegram.token"),
        ({"telegram": {"base_url": "ftp://x"}}, "telegram.base_url"),
        ({"telegram": {"mode": "webhook"}}, "telegram.webhook_url"),
        ({"bot": {"admins": "123"}}, "bot.admins"),
        ({"bot": {"admins": [True]}}, "bot.admins"),
        ({"digest": {"time": "25:00"}}, "digest.time"),
        ({"digest": {"weekday": "جمعه"}}, "digest.weekday"),
        ({"digest": {"timezone": "Mars/Olympus"}}, "digest.timezone"),
        ({"groups": {"creation": "maybe"}}, "groups.creation"),
        ({"report": {"expiry_hours": -1}}, "report.expiry_hours"),
        ({"report": {"photos_max": 11}}, "report.photos_max"),
        ({"database": "x.db"}, "database"),
        ({"stats": {"counting": "confirmed"}}, "stats.counting"),
        ({"stats": {"counting": 1}}, "stats.counting"),
        ({"stats": {"counting": "approved"}}, "stats.counting"),  # with review off
    ],
)
def test_bad_values_name_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert f"«{key}»" in str(info.value)


def test_env_overrides(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[database]\npath = "a.db"\n', encoding="utf-8")
    config = load_config(None, {"KHEDMATYAR_CONFIG": str(path), "KHEDMATYAR_TOKEN": TOKEN})
    assert config.database.path == "a.db"
    assert config.telegram.token == TOKEN


def test_missing_file_and_syntax_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="پیدا نشد"):
        load_config(tmp_path / "none.toml", {})
    bad = tmp_path / "bad.toml"
    bad.write_text("[telegram\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="خوانده نشد"):
        load_config(bad, {})


def test_cli_reports_config_errors_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[telegram]\ntoken = "oops"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(bad), "db", "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "telegram.token" in result.stderr
    assert "Traceback" not in result.stderr


def test_what_counts_follows_review_unless_set() -> None:
    assert parse_config({"report": {"review": True}}).stats.counting == "approved"
    both = {"report": {"review": True}, "stats": {"counting": "all"}}
    assert parse_config(both).stats.counting == "all"
    assert parse_config({"report": {"review": False}}).stats.counting == "all"

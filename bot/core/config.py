"""Typed configuration read from one TOML file (config.example.toml documents every key)."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.i18n import label

OFFICIAL_API = "https://api.telegram.org"
TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,80}$")
# What Telegram accepts as a webhook's secret token, and the entropy asked of one set by hand.
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SECRET_BITS = 128
WEEKDAYS = ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")


POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


def is_postgresql(target: str | Path) -> bool:
    """True when a configured database is a PostgreSQL URL rather than an SQLite file."""
    return str(target).startswith(POSTGRESQL_SCHEMES)


class ConfigError(Exception):
    """A configuration problem a person can fix; the message names the key and says why."""


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """How to reach the Bot API and how updates arrive."""

    token: str = ""
    base_url: str = OFFICIAL_API
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""


@dataclass(frozen=True, slots=True)
class BotConfig:
    """Who administers the bot and how it logs."""

    admins: tuple[int, ...] = ()
    log_level: str = "INFO"


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    """Where the data lives: a PostgreSQL URL when url is set, else the SQLite file at path."""

    path: str = "khedmatyar.db"
    url: str = ""  # postgresql://user@host:port/database (or KHEDMATYAR_DATABASE_URL)

    @property
    def target(self) -> str:
        """The database the bot opens: the PostgreSQL URL, or the SQLite file."""
        return self.url or self.path

    @property
    def shown(self) -> str:
        """The database as a person may read it: the URL without its password."""
        if not self.url:
            return self.path
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        host = parts.netloc.rpartition("@")[2]
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit(parts._replace(netloc=f"{user}{host}"))


@dataclass(frozen=True, slots=True)
class RemindersConfig:
    """When leaders of groups with no report that week are reminded (at most once a week)."""

    weekday: str = "thursday"
    time: str = "18:00"
    # Spread over this many minutes from the weekday and time (0: all at once), so that a
    # national network's reminders never take Telegram's whole budget for long.
    window_minutes: int = 180

    @property
    def at(self) -> dt.time:
        """The time of day as a datetime.time."""
        hour, minute = self.time.split(":")
        return dt.time(int(hour), int(minute))


@dataclass(frozen=True, slots=True)
class DigestConfig:
    """When the weekly digest is posted by default."""

    weekday: str = "friday"
    time: str = "20:00"
    timezone: str = "Asia/Tehran"
    grace_days: int = 3  # a week missed while the bot was down is posted late within this
    edit_days: int = 7  # reports arriving this long after a post update it in place

    @property
    def at(self) -> dt.time:
        """The time of day as a datetime.time."""
        hour, minute = self.time.split(":")
        return dt.time(int(hour), int(minute))


@dataclass(frozen=True, slots=True)
class GroupsConfig:
    """Who may create groups."""

    creation: Literal["open", "approval"] = "open"
    invite_days: int = 0


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """Limits and timings of the report conversation."""

    reminder_minutes: int = 30
    expiry_hours: int = 24
    edit_hours: int = 48
    max_age_days: int = 90
    description_max: int = 500
    photos_max: int = 10
    review: bool = False  # new and edited reports wait for their province's coordinators


@dataclass(frozen=True, slots=True)
class StatsConfig:
    """Which reports the figures count: every live report, or approved ones only."""

    # "all": every report not deleted (submitted, approved, returned); "approved": approved only,
    # with reports waiting for review shown apart. Unset, it is "approved" while reports are
    # reviewed ([report] review = true), else "all".
    counting: Literal["all", "approved"] = "all"


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration."""

    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    groups: GroupsConfig = field(default_factory=GroupsConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    stats: StatsConfig = field(default_factory=StatsConfig)
    source: str = ""

    @property
    def has_token(self) -> bool:
        """True when a Telegram token is configured."""
        return bool(self.telegram.token)


_SECTIONS: dict[str, type[Any]] = {
    "telegram": TelegramConfig,
    "bot": BotConfig,
    "database": DatabaseConfig,
    "digest": DigestConfig,
    "reminders": RemindersConfig,
    "groups": GroupsConfig,
    "report": ReportConfig,
    "stats": StatsConfig,
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "telegram.mode": ("polling", "webhook"),
    "groups.creation": ("open", "approval"),
    "digest.weekday": WEEKDAYS,
    "reminders.weekday": WEEKDAYS,
    "bot.log_level": ("DEBUG", "INFO", "WARNING", "ERROR"),
    "stats.counting": ("all", "approved"),
}
_POSITIVE = {
    "report.reminder_minutes",
    "report.expiry_hours",
    "report.max_age_days",
    "report.description_max",
    "telegram.webhook_port",
}


def _fail(key: str, why: str) -> ConfigError:
    return ConfigError(label("config-error", key=key, why=why))


def _check_value(key: str, value: Any, default: Any) -> Any:
    """Returns value converted to the type of default, or raises ConfigError naming key."""
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise _fail(key, label("config-why-int-list"))
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _fail(key, label("config-why-bool"))
        return value
    if not isinstance(default, int | str):
        raise _fail(key, label("config-why-unknown"))
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(key, label("config-why-int"))
        if value < 0 or (key in _POSITIVE and value == 0):
            raise _fail(key, label("config-why-positive"))
        return value
    if not isinstance(value, str):
        raise _fail(key, label("config-why-string"))
    choices = _CHOICES.get(key)
    if choices and value not in choices:
        raise _fail(key, label("config-why-choice", choices=", ".join(choices)))
    return value


def _secret_bits(secret: str) -> float:
    """A rough measure of a secret's entropy: its length times the spread of its characters
    (Shannon, over the characters it holds). 32 random URL-safe characters give about 145 bits;
    a word, a date or a repeated letter far fewer."""
    counts = Counter(secret).values()
    size = len(secret)
    return -size * sum(n / size * math.log2(n / size) for n in counts)


def _strong(secret: str) -> bool:
    """True for a secret Telegram accepts and nobody could guess."""
    return bool(SECRET_RE.match(secret)) and _secret_bits(secret) >= SECRET_BITS


def _validate(config: Config) -> None:
    tg = config.telegram
    if tg.token and not TOKEN_RE.match(tg.token):
        raise _fail("telegram.token", label("config-why-token"))
    if not re.match(r"^https?://[^\s/]+", tg.base_url):
        raise _fail("telegram.base_url", label("config-why-url"))
    if tg.mode == "webhook" and not tg.webhook_url.startswith("https://"):
        raise _fail("telegram.webhook_url", label("config-why-webhook"))
    # Without a secret, anyone who can reach the webhook could post updates as any user. Left
    # empty, the bot makes one and keeps it in the database (bot/cli.py); one set by hand must
    # be hard to guess.
    secret = tg.webhook_secret
    if tg.mode == "webhook" and secret and not _strong(secret):
        raise _fail("telegram.webhook_secret", label("config-why-secret"))
    if config.stats.counting == "approved" and not config.report.review:
        raise _fail("stats.counting", label("config-why-approved"))  # nothing would ever count
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", config.digest.time):
        raise _fail("digest.time", label("config-why-time"))
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", config.reminders.time):
        raise _fail("reminders.time", label("config-why-time"))
    try:
        ZoneInfo(config.digest.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail("digest.timezone", label("config-why-timezone")) from exc
    if not config.database.path:
        raise _fail("database.path", label("config-why-string"))
    if config.database.url and not is_postgresql(config.database.url):
        raise _fail("database.url", label("config-why-database-url"))
    if not 1 <= config.report.photos_max <= 10:
        raise _fail("report.photos_max", label("config-why-photos"))


def parse_config(data: dict[str, Any], source: str = "") -> Config:
    """Builds a validated Config from parsed TOML data."""
    sections: dict[str, Any] = {}
    for name, value in data.items():
        cls = _SECTIONS.get(name)
        if cls is None:
            raise _fail(name, label("config-why-unknown"))
        if not isinstance(value, dict):
            raise _fail(name, label("config-why-section"))
        defaults = cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, item in value.items():
            if key not in known:
                raise _fail(f"{name}.{key}", label("config-why-unknown"))
            values[key] = _check_value(f"{name}.{key}", item, getattr(defaults, key))
        sections[name] = cls(**values)
    review = sections.get("report", ReportConfig()).review
    if review and "counting" not in data.get("stats", {}):  # reviewed: what counts is approved
        sections["stats"] = replace(sections.get("stats", StatsConfig()), counting="approved")
    config = Config(**sections, source=source)
    _validate(config)
    return config


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Reads the config file (argument, KHEDMATYAR_CONFIG or ./config.toml) and env overrides
    (KHEDMATYAR_TOKEN, KHEDMATYAR_DATABASE_URL)."""
    env = dict(os.environ) if env is None else env
    chosen = path or env.get("KHEDMATYAR_CONFIG") or None
    file = Path(chosen) if chosen else Path("config.toml")
    data: dict[str, Any] = {}
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(label("config-error-syntax", path=str(file), why=str(exc))) from exc
    elif chosen:
        raise ConfigError(label("config-error-missing", path=str(file)))
    token = env.get("KHEDMATYAR_TOKEN")
    if token:
        data.setdefault("telegram", {})
        cast(dict[str, Any], data["telegram"])["token"] = token
    url = env.get("KHEDMATYAR_DATABASE_URL")
    if url:
        data.setdefault("database", {})
        cast(dict[str, Any], data["database"])["url"] = url
    return parse_config(data, source=str(file) if file.exists() else "")

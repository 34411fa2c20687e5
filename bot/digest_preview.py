"""`khedmatyar digest preview`: a week's digest text, chart and map in files, no Telegram."""

from __future__ import annotations

import argparse
import asyncio
import html
from dataclasses import dataclass
from pathlib import Path

from bot.core import jalali
from bot.core.config import Config, ConfigError, is_postgresql
from bot.core.i18n import label
from bot.digest.render import render_messages, to_plain
from bot.digest.scope import parse_scope, parse_week
from db.database import Database
from db.digest_queries import week_digest
from db.digest_week import WeekDigest
from db.stats import Counting

_PAGE_HEAD = """<!doctype html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: Vazirmatn, Tahoma, sans-serif; background: #e7ebf0; margin: 2em auto;
       max-width: 36em; line-height: 1.6; }}
.message {{ background: #fff; border-radius: 12px; padding: 1em 1.2em; margin: 0 0 1em;
           white-space: pre-wrap; box-shadow: 0 1px 2px rgba(0, 0, 0, .15); }}
img {{ width: 100%; border-radius: 12px; }}
</style>
</head>
<body>
{pictures}
"""
_MESSAGE = '<div class="message">{text}</div>\n'
_PAGE_TAIL = "</body>\n</html>\n"
_TEXT_SEPARATOR = "\n\n" + "—" * 12 + "\n\n"


@dataclass(frozen=True, slots=True)
class Preview:
    """What a preview wrote."""

    digest: WeekDigest
    messages: int
    paths: tuple[Path, ...]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `digest preview` to the command line."""
    digest = commands.add_parser("digest", help=label("cli-digest-help"))
    sub = digest.add_subparsers(dest="digest_command", required=True)
    preview = sub.add_parser("preview", help=label("cli-digest-preview-help"))
    preview.add_argument("--week", help=label("cli-digest-week-help"))
    preview.add_argument("--scope", default="national", help=label("cli-digest-scope-help"))
    preview.add_argument("--out", required=True, help=label("cli-digest-out-help"))
    preview.add_argument("--db", help=label("cli-digest-db-help"))
    preview.add_argument("--config", default=argparse.SUPPRESS, help=label("cli-config-help"))


def write_preview(digest: WeekDigest, out: Path) -> Preview:
    """Writes digest.html (the Telegram HTML messages in a page), digest.txt, chart.png and, for
    a digest with a map (the national one), map.png."""
    from bot.digest.post import draw  # matplotlib loads only when a picture is drawn

    out.mkdir(parents=True, exist_ok=True)
    messages = render_messages(digest)
    drawn = draw(digest)
    images = {"chart.png": drawn.chart} | ({} if drawn.map is None else {"map.png": drawn.map})
    title = to_plain(messages[0].split("\n", 1)[0])
    pictures = "\n".join(f'<img src="{name}" alt="">' for name in images)
    page = _PAGE_HEAD.format(title=html.escape(title), pictures=pictures)
    page += "".join(_MESSAGE.format(text=m) for m in messages) + _PAGE_TAIL
    paths = [out / "digest.html", out / "digest.txt"]
    paths[0].write_text(page, encoding="utf-8")
    plain = _TEXT_SEPARATOR.join(to_plain(m) for m in messages)
    paths[1].write_text(plain + "\n", encoding="utf-8")
    for name, picture in images.items():
        paths.append(out / name)
        paths[-1].write_bytes(picture)
    return Preview(digest, len(messages), tuple(paths))


async def preview(
    database: str,
    week: str | None,
    scope: str,
    out: str,
    counting: Counting = Counting.ALL,
) -> Preview:
    """Computes a week's digest from a database file and writes the preview files."""
    db = Database(database)
    await db.open(migrate=False)
    try:
        week_start = parse_week(week, jalali.today())
        digest = await week_digest(db, await parse_scope(db, scope), week_start, counting=counting)
    finally:
        await db.close()
    return await asyncio.to_thread(write_preview, digest, Path(out))


def run(config: Config, args: argparse.Namespace) -> None:
    """Runs `digest preview` and says where the files are."""
    database = args.db or config.database.target
    if not is_postgresql(database) and not Path(database).exists():
        raise ConfigError(label("cli-no-database", path=database))
    counting = Counting(config.stats.counting)
    result = asyncio.run(preview(database, args.week, args.scope, args.out, counting))
    print(label("cli-digest-written", path=args.out, messages=result.messages))

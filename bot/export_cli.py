"""`khedmatyar export`: the report export from the command line, with a progress bar."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.core.config import is_postgresql
from bot.core.i18n import label
from bot.core.jalali import DateError, format_numeric, parse_date
from bot.core.text import NumberError, fmt_percent, parse_count, progress_bar, search_key
from db.database import driver_errors
from db.export import LIVE_STATUSES, ExportFilter, ExportReader
from db.models import ReportStatus

_BAR_WIDTH = 24


class CommandError(Exception):
    """A Persian message for the person at the terminal; the command exits with status 2."""


def add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the export subcommand and its options to the khedmatyar parser."""
    export = commands.add_parser("export", help=label("export-help"))
    export.add_argument("--from", dest="start", required=True, help=label("export-from-help"))
    export.add_argument("--to", dest="end", required=True, help=label("export-to-help"))
    export.add_argument("--format", choices=["xlsx", "csv"], help=label("export-format-help"))
    export.add_argument("--out", required=True, help=label("export-out-help"))
    export.add_argument(
        "--province", action="append", default=[], help=label("export-province-help")
    )
    export.add_argument("--campaign", help=label("export-campaign-help"))
    export.add_argument(
        "--status",
        action="append",
        choices=[s.value for s in ReportStatus],
        help=label("export-status-help"),
    )
    export.add_argument("--hxl", action="store_true", help=label("export-hxl-help"))


class TerminalProgress:
    """Draws a bar that redraws itself on a terminal, or plain lines every tenth elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        """Shows how far the export is."""
        if total == 0:
            return
        percent = done * 100 // total
        step = percent if self.tty else percent // 10
        if step == self.shown:
            return
        self.shown = step
        line = label(
            "export-progress",
            bar=progress_bar(done, total, _BAR_WIDTH),
            percent=fmt_percent(done, total),
            done=done,
            total=total,
        )
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K" + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _date(text: str) -> date:
    """Reads a Jalali date given on the command line."""
    try:
        return parse_date(text)
    except DateError as exc:
        raise CommandError(label("export-error-date", text=text, why=exc.describe())) from exc


def _provinces(reader: ExportReader, names: list[str]) -> tuple[int, ...]:
    """Finds each named province by its search key; unknown or ambiguous names are errors."""
    ids: list[int] = []
    for name in names:
        key = search_key(name)
        found = reader.provinces_matching(key) if key else []
        if not found:
            raise CommandError(label("export-error-province", name=name))
        if len(found) > 1:
            names_found = "، ".join(p.name for p in found)
            raise CommandError(label("export-error-province-many", name=name, names=names_found))
        ids.append(found[0].id)
    return tuple(dict.fromkeys(ids))


def _campaign(reader: ExportReader, text: str | None) -> int | None:
    """Reads a campaign id (any digits) and checks that the campaign exists."""
    if text is None:
        return None
    try:
        campaign_id = parse_count(text)
    except NumberError as exc:
        raise CommandError(label("export-error-campaign-number", text=text)) from exc
    if reader.campaign_title(campaign_id) is None:
        raise CommandError(label("export-error-campaign", id=campaign_id))
    return campaign_id


def _filter(db_path: str, args: argparse.Namespace) -> ExportFilter:
    """Builds the export's filter from the options, checking each against the database."""
    start, end = _date(args.start), _date(args.end)
    if end < start:
        raise CommandError(
            label("export-error-range", start=format_numeric(start), end=format_numeric(end))
        )
    if not is_postgresql(db_path) and not Path(db_path).is_file():
        raise CommandError(label("cli-no-database", path=db_path))
    statuses = tuple(ReportStatus(s) for s in args.status) if args.status else LIVE_STATUSES
    with ExportReader(db_path) as reader:
        provinces = _provinces(reader, args.province)
        campaign = _campaign(reader, args.campaign)
    return ExportFilter(start, end, provinces, campaign, statuses)


def _why(exc: OSError) -> str:
    """Says in Persian why a file could not be written, for the reasons people usually meet."""
    if isinstance(exc, FileNotFoundError):
        return label("export-why-no-folder")
    if isinstance(exc, PermissionError):
        return label("export-why-denied")
    if isinstance(exc, IsADirectoryError):
        return label("export-why-folder")
    return exc.strerror or str(exc)


def run_export(
    db_path: str,
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    review: bool = False,
) -> int:
    """Runs `khedmatyar export`; returns the exit status (2 with one Persian line on error).

    With review on, reports not yet reviewed are named as the bot names them (bot.export.sheet)."""
    from bot.export.sheet import ExportFormat, write_export  # xlsxwriter loads only when exporting

    out = out or sys.stdout
    err = err or sys.stderr
    target = Path(args.out)
    fmt = ExportFormat(args.format or ("csv" if target.suffix.lower() == ".csv" else "xlsx"))
    try:
        flt = _filter(db_path, args)
        try:
            progress = TerminalProgress(err)
            result = write_export(
                db_path, flt, target, fmt, hxl=args.hxl, progress=progress, review=review
            )
        except OSError as exc:
            why = _why(exc)
            raise CommandError(label("export-error-output", path=str(target), why=why)) from exc
    except driver_errors() as exc:
        print(label("export-error-database", path=db_path, why=str(exc)), file=err)
        return 2
    except CommandError as exc:
        print(exc, file=err)
        return 2
    if result.rows == 0:
        print(label("export-empty", path=str(result.path)), file=out)
    else:
        print(label("export-done", rows=result.rows, path=str(target)), file=out)
    return 0

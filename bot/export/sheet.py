"""Exports of service reports to XLSX or CSV, streamed to disk off the event loop.

Rows come from db.export's read-only connection in one snapshot and go straight to the file:
XlsxWriter in constant_memory mode and the csv module both keep only the current row in memory.
The file is written beside its target under a temporary name and renamed at the end, so a
failed or interrupted export never leaves half a spreadsheet where the full one should be.

A report's photo count links to its photos with a =HYPERLINK formula, not a cell hyperlink:
Excel holds at most 65,530 hyperlinks in a worksheet and drops every one of them, after a
"repair" prompt, from a sheet with more; a formula has no such limit, and XlsxWriter writes its
value with it, so every program shows the count without calculating. Why XlsxWriter and not
openpyxl or a Rust-backed writer: bench/RESULTS.md (bench_export_writers.py).

Dates in cells use Latin digits (1405/08/24): see _jalali() for why.
"""

from __future__ import annotations

import asyncio
import csv
import errno
import json
import logging
import re
import secrets
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.worksheet import Worksheet

from bot.core.i18n import label
from bot.core.jalali import TEHRAN, to_jalali
from bot.export.photo_links import PhotoLinks
from db.export import ExportFilter, ExportReader, ExportRow, ProvinceSum, ServiceSum
from db.models import ReportStatus

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Told (rows written, rows in the export) as an export goes on."""


class ExportFormat(StrEnum):
    """The file formats an export can be written in."""

    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int


@dataclass(frozen=True, slots=True)
class _Column:
    """One column of the reports sheet: its header's locale key, HXL hashtag and width."""

    key: str
    hxl: str
    width: float


# The order of the columns; _values() returns a row's cells in the same order.
COLUMNS: Final = (
    _Column("export-col-receipt", "#activity+code", 13),
    _Column("export-col-group", "#org+name", 24),
    _Column("export-col-campaign", "#activity+name", 20),
    _Column("export-col-province", "#adm1+name", 16),
    _Column("export-col-county", "#adm2+name", 16),
    _Column("export-col-place", "#loc+name", 18),
    _Column("export-col-area", "#sector+name", 18),
    _Column("export-col-service", "#subsector+name", 22),
    _Column("export-col-unit", "#indicator+unit", 9),
    _Column("export-col-quantity", "#indicator+num", 9),
    _Column("export-col-beneficiaries", "#reached+num", 11),
    _Column("export-col-volunteers", "#capacity+volunteers+num", 10),
    _Column("export-col-date-jalali", "#date+jalali", 12),
    _Column("export-col-date", "#date", 12),
    _Column("export-col-status", "#status", 13),
    _Column("export-col-reporter", "#contact+name", 18),
    _Column("export-col-created", "#date+reported", 18),
    _Column("export-col-description", "#description", 48),
    _Column("export-col-photos", "#meta+photos+num", 9),
)

# The CSV's last column when photo links are asked for; the XLSX links the photo count instead.
LINK_COLUMN: Final = _Column("export-col-photo-link", "#meta+photos+url", 60)

_STATUS_KEYS: Final = {
    ReportStatus.SUBMITTED: "export-status-submitted",
    ReportStatus.APPROVED: "export-status-approved",
    ReportStatus.RETURNED: "export-status-returned",
    ReportStatus.DELETED: "export-status-deleted",
}


def status_key(status: ReportStatus, review: bool) -> str:
    """The locale key of a status's name: a report not yet reviewed waits for review when
    reports are reviewed, and is simply registered when they are not."""
    if review and status is ReportStatus.SUBMITTED:
        return "export-status-waiting"
    return _STATUS_KEYS[status]


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML (and so XLSX) cannot hold.
_ILLEGAL: Final = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_XLSX_OPTIONS: Final = {
    "constant_memory": True,  # each row goes to disk as the next begins
    "strings_to_formulas": False,  # a description that starts with = stays text
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_COUNTS: Final = ("export-col-quantity", "export-col-beneficiaries", "export-col-volunteers")
_SUMMED: Final = ("reports", "quantity", "beneficiaries", "volunteers")  # per unit, in summaries


def _jalali(d: date) -> str:
    """Writes a service date as Jalali text with Latin digits: 1405/08/24.

    A spreadsheet cell is read by people and by programs. Spreadsheet programs show the
    numbers of the other columns with the locale's digits (Latin on most installations), sort
    and filter text by character, and split it with text functions; other tools (pandas, HXL
    proxies, Power BI) only read Latin digits. Zero-padded Latin digits sort correctly, match
    the number cells beside them and stay usable in formulas; the Gregorian column next to it
    is a real date cell for date arithmetic.
    """
    year, month, day = to_jalali(d)
    return f"{year:04d}/{month:02d}/{day:02d}"


def _local(moment: datetime) -> datetime:
    """Returns an aware time as naive Tehran time (spreadsheets have no time zones)."""
    return moment.astimezone(TEHRAN).replace(tzinfo=None, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class _Linked:
    """A cell that opens a link: a report's photo count, linked to its photos in the bot."""

    value: int
    url: str


class _Cells:
    """Turns export rows into cell values, remembering each date's Jalali text."""

    def __init__(self, links: PhotoLinks | None = None, review: bool = False) -> None:
        self._links = links
        self._dates: dict[date, str] = {}
        self._statuses = {status: label(status_key(status, review)) for status in _STATUS_KEYS}

    def values(self, row: ExportRow) -> list[Any]:
        """Returns the row's cells in COLUMNS order: numbers as numbers, dates as dates."""
        jalali = self._dates.get(row.service_date)
        if jalali is None:
            jalali = self._dates[row.service_date] = _jalali(row.service_date)
        return [
            row.receipt,
            row.group,
            row.campaign,
            row.province,
            row.county,
            row.place,
            row.area,
            row.service,
            row.unit,
            row.quantity,
            row.beneficiaries,
            row.volunteers,
            jalali,
            row.service_date,
            self._statuses[row.status],
            row.reporter,
            _local(row.created_at),
            row.description,
            _Linked(row.photos, self._links.url(row.id))
            if self._links is not None and row.photos
            else row.photos,
        ]


def _headers() -> list[str]:
    """Returns the Persian column headers."""
    return [label(column.key) for column in COLUMNS]


def _columns(fmt: ExportFormat, links: PhotoLinks | None) -> tuple[_Column, ...]:
    """The columns of the reports sheet: with photo links, a CSV has one more, for the URL."""
    return (*COLUMNS, LINK_COLUMN) if links is not None and fmt is ExportFormat.CSV else COLUMNS


# --- progress ----------------------------------------------------------------------------------


class _Ticker:
    """Calls a progress callback at the start, about every hundredth of the rows, and the end."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.progress = progress
        self.step = max(1, min(1000, total // 100))
        self.done = 0
        if progress is not None:
            progress(0, total)

    def tick(self) -> None:
        """Counts one written row."""
        self.done += 1
        if self.progress is not None and (self.done % self.step == 0 or self.done == self.total):
            self.progress(self.done, self.total)


# --- writers -----------------------------------------------------------------------------------


def _csv_text(value: Any) -> Any:
    """Guards text a spreadsheet would run as a formula (=, +, -, @ first) with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    """Writes dates as ISO text and leaves numbers and (guarded) text as they are."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, _Linked):
        return value.value
    return _csv_text(value)


def _write_csv(
    out: Path, columns: tuple[_Column, ...], hxl: bool, rows: Iterable[list[Any]]
) -> None:
    """Writes UTF-8 with a BOM (so spreadsheet programs read Persian) and CRLF line ends.

    With LINK_COLUMN among the columns, each row ends with the link to its photos (or nothing).
    """
    links = LINK_COLUMN in columns
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([label(column.key) for column in columns])
        if hxl:
            writer.writerow([column.hxl for column in columns])
        for values in rows:
            cells = [_csv_cell(v) for v in values]
            if links:
                cells.append(next((v.url for v in values if isinstance(v, _Linked)), ""))
            writer.writerow(cells)


def _xlsx_text(value: str) -> str:
    """Removes control characters that XML (and so XLSX) cannot hold."""
    return _ILLEGAL.sub("", value)


def _formula_text(text: str) -> str:
    """A string inside a spreadsheet formula: in quotes, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


class _Book:
    """An XLSX workbook being written: its formats, and sheets right to left."""

    def __init__(self, out: Path) -> None:
        self.book = xlsxwriter.Workbook(str(out), {**_XLSX_OPTIONS, "tmpdir": str(out.parent)})
        self.book.set_properties({"title": label("export-sheet-reports")})
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#DDEBF7"})
        self.hxl = add({"italic": True, "font_color": "#666666"})
        self.total = add({"bold": True, "num_format": "#,##0"})
        self.count = add({"num_format": "#,##0"})
        self.day = add({"num_format": "yyyy-mm-dd"})
        self.moment = add({"num_format": "yyyy-mm-dd hh:mm"})
        self.link = add({"font_color": "#0563C1", "underline": 1, "num_format": "#,##0"})

    def sheet(self, title: str, headers: list[str], widths: list[float]) -> Worksheet:
        """A new sheet, right to left, with its header row (bold, frozen) and column widths."""
        ws = self.book.add_worksheet(title)
        ws.right_to_left()
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)
        ws.write_row(0, 0, headers, self.header)
        ws.freeze_panes(1, 0)
        return ws

    def close(self) -> None:
        """Writes the file; a failure to write raises the OSError behind it."""
        try:
            self.book.close()
        except FileCreateError as exc:
            cause = exc.args[0] if exc.args else None
            raise cause if isinstance(cause, OSError) else OSError(str(exc)) from exc


def _write_reports(book: _Book, headers: list[str], hxl: bool, rows: Iterable[list[Any]]) -> None:
    """Writes the reports sheet row by row: text as text, dates as dates, counts with thousands
    separators, a photo count as a link to the photos, and filter buttons on the header."""
    ws = book.sheet(label("export-sheet-reports"), headers, [c.width for c in COLUMNS])
    for index, column in enumerate(COLUMNS):  # a cell written without a format takes these
        if column.key in _COUNTS:
            ws.set_column(index, index, column.width, book.count)
        elif column.key == "export-col-date":
            ws.set_column(index, index, column.width, book.day)
        elif column.key == "export-col-created":
            ws.set_column(index, index, column.width, book.moment)
    first = 1
    if hxl:
        ws.write_row(1, 0, [c.hxl for c in COLUMNS], book.hxl)
        ws.freeze_panes(2, 0)
        first = 2
    row = first - 1
    for row, values in enumerate(rows, start=first):
        for col, value in enumerate(values):
            if isinstance(value, str):
                ws.write_string(row, col, _xlsx_text(value))
            elif isinstance(value, int):
                ws.write_number(row, col, value)
            elif isinstance(value, datetime | date):
                ws.write_datetime(row, col, value)
            elif isinstance(value, _Linked):
                link = f"=HYPERLINK({_formula_text(value.url)},{value.value})"
                ws.write_formula(row, col, link, book.link, value.value)
    ws.autofilter(0, 0, row, len(COLUMNS) - 1)


def _service_sheet(book: _Book, sums: list[ServiceSum]) -> None:
    """Writes the summary by service type, with its unit; then a total per unit (unlike units
    do not add up) and the total of reports, beneficiaries and volunteers."""
    keys = ["export-col-area", "export-col-service", "export-col-unit", "export-sum-reports"]
    keys += ["export-col-quantity", "export-col-beneficiaries", "export-col-volunteers"]
    ws = book.sheet(
        label("export-sheet-services"), [label(k) for k in keys], [18, 24, 9, 10, 10, 11, 10]
    )
    row = 0
    for row, s in enumerate(sums, start=1):
        ws.write_row(row, 0, [s.area, s.service, s.unit])
        ws.write_row(row, 3, [s.reports, s.quantity, s.beneficiaries, s.volunteers], book.count)
    for unit in dict.fromkeys(s.unit for s in sums):
        mine = [s for s in sums if s.unit == unit]
        row += 1
        ws.write_row(row, 0, [label("export-sum-unit", unit=unit), "", unit], book.total)
        figures = [sum(getattr(s, f) for s in mine) for f in _SUMMED]
        ws.write_row(row, 3, figures, book.total)
    row += 1
    ws.write_row(row, 0, [label("export-sum-total"), "", ""], book.total)
    ws.write_number(row, 3, sum(s.reports for s in sums), book.total)
    ws.write_blank(row, 4, None, book.total)
    ws.write_row(row, 5, [sum(s.beneficiaries for s in sums), sum(s.volunteers for s in sums)])
    ws.set_row(row, None, book.total)


def _province_sheet(book: _Book, sums: list[ProvinceSum]) -> None:
    """Writes the summary by province, a quantity column for each unit, and a total row."""
    units = list(dict.fromkeys(unit for p in sums for unit in p.quantities))
    headers = [label("export-col-province"), label("export-sum-reports")]
    headers += [label("export-col-quantity-unit", unit=unit) for unit in units]
    headers += [label("export-col-beneficiaries"), label("export-col-volunteers")]
    widths = [20.0, 10.0, *(12.0 for _ in units), 11.0, 10.0]
    ws = book.sheet(label("export-sheet-provinces"), headers, widths)
    row = 0
    for row, p in enumerate(sums, start=1):
        ws.write_string(row, 0, p.province)
        figures = [p.reports, *(p.quantities.get(u, 0) for u in units)]
        ws.write_row(row, 1, [*figures, p.beneficiaries, p.volunteers], book.count)
    totals = [sum(p.reports for p in sums)]
    totals += [sum(p.quantities.get(u, 0) for p in sums) for u in units]
    totals += [sum(p.beneficiaries for p in sums), sum(p.volunteers for p in sums)]
    ws.write_string(row + 1, 0, label("export-sum-total"), book.total)
    ws.write_row(row + 1, 1, totals, book.total)


def _write_xlsx(
    out: Path,
    headers: list[str],
    hxl: bool,
    rows: Iterable[list[Any]],
    services: list[ServiceSum],
    provinces: list[ProvinceSum],
) -> None:
    """Writes the reports sheet row by row, then the two summary sheets."""
    book = _Book(out)
    _write_reports(book, headers, hxl, rows)
    _service_sheet(book, services)
    _province_sheet(book, provinces)
    book.close()


# --- the export --------------------------------------------------------------------------------


def write_export(
    db_path: str | Path,
    flt: ExportFilter,
    out: str | Path,
    fmt: ExportFormat,
    *,
    hxl: bool = False,
    progress: Progress | None = None,
    links: PhotoLinks | None = None,
    review: bool = False,
) -> ExportResult:
    """Writes the reports the filter selects to out; blocking (see export_in_background).

    With links, a report's photos open in the bot: its photo count links to them in the XLSX,
    and the CSV has one more column with the link (bot.export.photo_links). With review on, a report
    not yet reviewed is «در انتظار بررسی», as in «گزارش‌های من» and the export's question.

    Raises FileNotFoundError if the database does not exist, a driver's error if it cannot be
    read, and OSError if out cannot be written (nothing is left behind then).
    """
    target, fmt = Path(out), ExportFormat(fmt)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    temporary.touch(exist_ok=False)  # fails at once, before any reading, if out is unwritable
    try:
        with ExportReader(db_path) as reader, reader.snapshot():
            total = reader.count(flt)
            ticker = _Ticker(total, progress)

            def values() -> Iterable[list[Any]]:
                """Streams the rows' cells, counting each once the writer asks for the next."""
                cells = _Cells(links, review)
                for row in reader.rows(flt):
                    yield cells.values(row)
                    ticker.tick()

            if fmt is ExportFormat.XLSX:
                services, provinces = reader.by_service(flt), reader.by_province(flt)
                _write_xlsx(temporary, _headers(), hxl, values(), services, provinces)
            else:
                _write_csv(temporary, _columns(fmt, links), hxl, values())
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ExportResult(target, ticker.done)


def encode_request(
    db_path: str | Path,
    flt: ExportFilter,
    out: str | Path,
    fmt: ExportFormat,
    hxl: bool,
    links: PhotoLinks | None = None,
    review: bool = False,
) -> bytes:
    """Writes an export request as JSON, for the child process of export_in_background."""
    request = {
        "db": str(db_path),
        "out": str(out),
        "format": str(fmt),
        "hxl": hxl,
        "start": flt.start.isoformat(),
        "end": flt.end.isoformat(),
        "provinces": list(flt.province_ids),
        "campaign": flt.campaign_id,
        "statuses": [str(s) for s in flt.statuses],
        "links": None if links is None else [links.username, links.secret.hex()],
        "review": review,
    }
    return json.dumps(request).encode()


def decode_request(
    data: bytes,
) -> tuple[str, ExportFilter, str, ExportFormat, bool, PhotoLinks | None, bool]:
    """Reads what encode_request wrote: (database, filter, output, format, hxl, links, review)."""
    r = json.loads(data)
    flt = ExportFilter(
        date.fromisoformat(r["start"]),
        date.fromisoformat(r["end"]),
        tuple(r["provinces"]),
        r["campaign"],
        tuple(ReportStatus(s) for s in r["statuses"]),
    )
    links = r.get("links")
    photo_links = None if not links else PhotoLinks(links[0], bytes.fromhex(links[1]))
    fmt = ExportFormat(r["format"])
    return r["db"], flt, r["out"], fmt, bool(r["hxl"]), photo_links, bool(r.get("review"))


def _failure(report: dict[str, Any]) -> Exception:
    """Rebuilds the exception a child process reported, as write_export would have raised it."""
    if report["kind"] == "os":
        return OSError(report["errno"], report["message"], report["filename"])
    if report["kind"] == "database":  # a database error, of either engine's driver
        return sqlite3.Error(report["message"])
    return RuntimeError(f"export failed: {report['message']}")


async def _in_process(request: bytes, target: Path, progress: Progress | None) -> ExportResult:
    """Runs one export in a child Python process, relaying its progress lines."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.export.worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    result: ExportResult | None = None
    failure: Exception | None = None

    async def read() -> None:
        nonlocal result, failure
        assert child.stdout is not None
        async for line in child.stdout:
            kind, _, rest = line.decode().rstrip("\n").partition(" ")
            if kind == "progress" and progress is not None:
                done, total = (int(n) for n in rest.split())
                progress(done, total)
            elif kind == "done":
                rows, peak = (int(n) for n in rest.split())
                result = ExportResult(target, rows)
                log.info("export of %d rows written; the child's peak memory %d kB", rows, peak)
            elif kind == "failed":
                failure = _failure(json.loads(rest))

    try:
        child.stdin.write(request)
        child.stdin.close()
        _, errors = await asyncio.gather(read(), child.stderr.read())
        await child.wait()
    except BaseException:
        if child.returncode is None:
            child.terminate()  # the child removes its partial file on SIGTERM
            await child.wait()
        raise
    if failure is not None:
        raise failure
    if result is None:
        why = errors.decode(errors="replace").strip().splitlines()[-1:] or [str(child.returncode)]
        raise RuntimeError(f"export process failed: {why[0]}")
    return result


async def export_in_background(
    db_path: str | Path,
    flt: ExportFilter,
    out: str | Path,
    fmt: ExportFormat,
    *,
    hxl: bool = False,
    progress: Progress | None = None,
    process: bool = True,
    links: PhotoLinks | None = None,
    review: bool = False,
) -> ExportResult:
    """Runs write_export off the event loop; progress is called on the event loop's thread.

    By default in a child process: openpyxl's work then takes nothing from the bot's own Python
    (beside a 100,000-row export in a thread, the p95 of a report save grows tenfold; in a
    process it does not move; see bench/RESULTS.md). process=False uses a worker thread, which
    starts faster (no new interpreter) and suits small exports. Cancelling stops the export and
    leaves no partial file behind. Raises what write_export raises.
    """
    if process:
        request = encode_request(db_path, flt, out, ExportFormat(fmt), hxl, links, review)
        return await _in_process(request, Path(out), progress)
    loop = asyncio.get_running_loop()
    relay: Progress | None = None
    if progress is not None:
        callback = progress

        def relay(done: int, total: int) -> None:
            loop.call_soon_threadsafe(callback, done, total)

    return await asyncio.to_thread(
        write_export, db_path, flt, out, fmt, hxl=hxl, progress=relay, links=links, review=review
    )

"""Exports of service reports to XLSX or CSV, streamed to disk off the event loop.

Rows come from db.export's read-only connection in one snapshot and go straight to the file:
openpyxl's write-only workbook and the csv module both keep only the current row in memory.
The file is written beside its target under a temporary name and renamed at the end, so a
failed or interrupted export never leaves half a spreadsheet where the full one should be.

Dates in cells use Latin digits (1405/08/24): see _jalali() for why.
"""

from __future__ import annotations

import asyncio
import csv
import errno
import json
import secrets
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.i18n import label
from bot.jalali import TEHRAN, to_jalali
from bot.photo_links import PhotoLinks
from db.export import ExportFilter, ExportReader, ExportRow, ProvinceSum, ServiceSum
from db.models import ReportStatus

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
    quantity: int


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
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_CREATED_FORMAT: Final = "yyyy-mm-dd hh:mm"
_COUNT_FORMAT: Final = "#,##0"
_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_HXL_FONT: Final = Font(italic=True, color="666666")
_LINK_FONT: Final = Font(color="0563C1", underline="single")


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

    def __init__(self, links: PhotoLinks | None = None) -> None:
        self._links = links
        self._dates: dict[date, str] = {}
        self._statuses = {status: label(key) for status, key in _STATUS_KEYS.items()}

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
    out: Path,
    columns: tuple[_Column, ...],
    hxl: bool,
    rows: Iterable[list[Any]],
    ticker: _Ticker,
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
            ticker.tick()


def _xlsx_text(value: str) -> str:
    """Removes control characters that XML (and so XLSX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


class _Sheet:
    """A write-only worksheet, right to left, with a styled header and column widths."""

    def __init__(self, book: Workbook, title: str, headers: list[str], widths: list[float]) -> None:
        self.ws = book.create_sheet(title)
        self.ws.sheet_view.rightToLeft = True
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.headers = headers

    def header(self, hxl: list[str] | None = None) -> None:
        """Writes the header row (and an HXL row under it), and freezes them."""
        cells = []
        for text in self.headers:
            cell = WriteOnlyCell(self.ws, value=text)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cells.append(cell)
        self.ws.freeze_panes = "A3" if hxl else "A2"
        self.ws.append(cells)
        if hxl:
            tags = []
            for tag in hxl:
                cell = WriteOnlyCell(self.ws, value=tag)
                cell.font = _HXL_FONT
                tags.append(cell)
            self.ws.append(tags)

    def append(self, values: list[Any]) -> None:
        """Writes one row; text is always text (never a formula) and dates keep a format."""
        cells: list[Any] = []
        for value in values:
            if isinstance(value, str):
                value = _xlsx_text(value)
                if value.startswith("="):
                    cell = WriteOnlyCell(self.ws, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                    continue
            elif isinstance(value, datetime):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = _CREATED_FORMAT
                cells.append(cell)
                continue
            elif isinstance(value, _Linked):
                cell = WriteOnlyCell(self.ws, value=value.value)
                cell.hyperlink = value.url
                cell.font = _LINK_FONT
                cells.append(cell)
                continue
            cells.append(value)
        self.ws.append(cells)

    def summary(self, values: list[Any], *, total: bool = False) -> None:
        """Writes a summary row: counts with thousands separators, the total row in bold."""
        cells = []
        for value in values:
            cell = WriteOnlyCell(
                self.ws, value=_xlsx_text(value) if isinstance(value, str) else value
            )
            if isinstance(value, int):
                cell.number_format = _COUNT_FORMAT
            if total:
                cell.font = _HEADER_FONT
            cells.append(cell)
        self.ws.append(cells)


def _service_sheet(book: Workbook, sums: list[ServiceSum]) -> None:
    """Writes the summary by service type, with its unit, and a total row."""
    keys = ["export-col-area", "export-col-service", "export-col-unit", "export-sum-reports"]
    keys += ["export-col-quantity", "export-col-beneficiaries", "export-col-volunteers"]
    sheet = _Sheet(
        book, label("export-sheet-services"), [label(k) for k in keys], [18, 24, 9, 10, 10, 11, 10]
    )
    sheet.header()
    for s in sums:
        sheet.summary(
            [s.area, s.service, s.unit, s.reports, s.quantity, s.beneficiaries, s.volunteers]
        )
    total = [label("export-sum-total"), "", ""]
    total += [sum(getattr(s, f) for s in sums) for f in ("reports", "quantity")]
    total += [sum(getattr(s, f) for s in sums) for f in ("beneficiaries", "volunteers")]
    sheet.summary(total, total=True)


def _province_sheet(book: Workbook, sums: list[ProvinceSum]) -> None:
    """Writes the summary by province and a total row."""
    keys = ["export-col-province", "export-sum-reports", "export-col-quantity"]
    keys += ["export-col-beneficiaries", "export-col-volunteers"]
    sheet = _Sheet(
        book, label("export-sheet-provinces"), [label(k) for k in keys], [20, 10, 10, 11, 10]
    )
    sheet.header()
    for p in sums:
        sheet.summary([p.province, p.reports, p.quantity, p.beneficiaries, p.volunteers])
    fields = ("reports", "quantity", "beneficiaries", "volunteers")
    totals = [label("export-sum-total"), *(sum(getattr(p, f) for p in sums) for f in fields)]
    sheet.summary(totals, total=True)


def _write_xlsx(
    out: Path,
    headers: list[str],
    hxl: bool,
    rows: Iterable[list[Any]],
    ticker: _Ticker,
    services: list[ServiceSum],
    provinces: list[ProvinceSum],
) -> None:
    """Writes the reports sheet row by row, then the two summary sheets."""
    book = Workbook(write_only=True)
    book.properties.title = label("export-sheet-reports")
    sheet = _Sheet(book, label("export-sheet-reports"), headers, [c.width for c in COLUMNS])
    sheet.header([c.hxl for c in COLUMNS] if hxl else None)
    for values in rows:
        sheet.append(values)
        ticker.tick()
    _service_sheet(book, services)
    _province_sheet(book, provinces)
    book.save(out)


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
) -> ExportResult:
    """Writes the reports the filter selects to out; blocking (see export_in_background).

    With links, a report's photos open in the bot: its photo count is a hyperlink in the XLSX,
    and the CSV has one more column with the link (bot.photo_links).

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
            quantity = 0

            def values() -> Iterable[list[Any]]:
                """Streams the rows' cells, adding up their quantities on the way."""
                nonlocal quantity
                cells = _Cells(links)
                for row in reader.rows(flt):
                    quantity += row.quantity
                    yield cells.values(row)

            if fmt is ExportFormat.XLSX:
                services, provinces = reader.by_service(flt), reader.by_province(flt)
                _write_xlsx(temporary, _headers(), hxl, values(), ticker, services, provinces)
            else:
                _write_csv(temporary, _columns(fmt, links), hxl, values(), ticker)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ExportResult(target, ticker.done, quantity)


def encode_request(
    db_path: str | Path,
    flt: ExportFilter,
    out: str | Path,
    fmt: ExportFormat,
    hxl: bool,
    links: PhotoLinks | None = None,
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
    }
    return json.dumps(request).encode()


def decode_request(
    data: bytes,
) -> tuple[str, ExportFilter, str, ExportFormat, bool, PhotoLinks | None]:
    """Reads what encode_request wrote: (database, filter, output, format, hxl, links)."""
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
    return r["db"], flt, r["out"], ExportFormat(r["format"]), bool(r["hxl"]), photo_links


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
        "bot.export_worker",
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
                rows, quantity = (int(n) for n in rest.split())
                result = ExportResult(target, rows, quantity)
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
) -> ExportResult:
    """Runs write_export off the event loop; progress is called on the event loop's thread.

    By default in a child process: openpyxl's work then takes nothing from the bot's own Python
    (beside a 100,000-row export in a thread, the p95 of a report save grows tenfold; in a
    process it does not move; see bench/RESULTS.md). process=False uses a worker thread, which
    starts faster (no new interpreter) and suits small exports. Cancelling stops the export and
    leaves no partial file behind. Raises what write_export raises.
    """
    if process:
        request = encode_request(db_path, flt, out, ExportFormat(fmt), hxl, links)
        return await _in_process(request, Path(out), progress)
    loop = asyncio.get_running_loop()
    relay: Progress | None = None
    if progress is not None:
        callback = progress

        def relay(done: int, total: int) -> None:
            loop.call_soon_threadsafe(callback, done, total)

    return await asyncio.to_thread(
        write_export, db_path, flt, out, fmt, hxl=hxl, progress=relay, links=links
    )

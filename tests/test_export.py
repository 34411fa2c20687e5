"""Exports of reports: XLSX and CSV checked against SQL written here, filters, and the CLI."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import threading
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jdatetime
import pytest
from openpyxl import load_workbook

from bot import cli
from bot.core.i18n import label
from bot.demo import seed_demo
from bot.export.sheet import ExportFormat, export_in_background, write_export
from bot.export_cli import TerminalProgress
from db.export import ExportFilter
from db.models import Photo, ReportInput, ReportStatus
from db.store import Store

TODAY = date(2026, 11, 22)  # 1 Azar 1405
ABAN = (date(2026, 10, 23), date(2026, 11, 21))  # 1405/08/01 … 1405/08/30
PEOPLE = {"admin": 101, "leader": 102, "member": 103, "coordinator": 104, "newcomer": 105}
HEADERS = [
    "شمارهٔ رسید",
    "گروه",
    "پویش",
    "استان",
    "شهرستان",
    "محل",
    "حوزهٔ خدمت",
    "نوع خدمت",
    "واحد",
    "تعداد",
    "بهره‌مندان",
    "داوطلبان",
    "تاریخ خدمت (شمسی)",
    "تاریخ خدمت (میلادی)",
    "وضعیت",
    "گزارش‌دهنده",
    "زمان ثبت (تهران)",
    "توضیح",
    "تعداد عکس",
]
COL = {name: index for index, name in enumerate(HEADERS)}
TRICKY = '=HYPERLINK("http://x")\x07 توزیع'


@pytest.fixture
async def seeded(store: Store) -> Store:
    """The demo's eight weeks of reports, with some reviewed, returned, deleted and with photos."""
    await seed_demo(store, PEOPLE, TODAY)
    db = store.db
    await db.execute("UPDATE reports SET status = 'approved' WHERE id % 3 = 0")
    await db.execute("UPDATE reports SET status = 'returned' WHERE id % 7 = 0")
    await db.execute("UPDATE reports SET status = 'deleted' WHERE id % 11 = 0")
    base = await db.fetchone("SELECT * FROM reports WHERE id = 1")
    assert base is not None
    data = ReportInput(
        group_id=base["group_id"],
        campaign_id=None,
        category_id=base["category_id"],
        quantity=7,
        beneficiaries=None,
        volunteers=3,
        province_id=base["province_id"],
        county_id=base["county_id"],
        place="-محله",
        latitude=None,
        longitude=None,
        service_date=date(2026, 11, 1),
        description=TRICKY,
        photos=(Photo("f1", "u1"), Photo("f2", "u2"), Photo("f3", "u3")),
    )
    await store.reports.create(data, PEOPLE["leader"], "tricky", 1405)
    return store


def _expected(path: Path, where: str, params: tuple[Any, ...]) -> dict[str, tuple[Any, ...]]:
    """Reads the reports an export should hold straight from SQLite, keyed by receipt."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT r.receipt, g.name, p.name, n.name, c.name, c.unit, r.quantity,"
            " r.beneficiaries, r.volunteers, r.service_date, r.status,"
            " (SELECT COUNT(*) FROM report_photos f WHERE f.report_id = r.id)"
            " FROM reports r JOIN groups g ON g.id = r.group_id"
            " JOIN provinces p ON p.id = r.province_id JOIN counties n ON n.id = r.county_id"
            " JOIN categories c ON c.id = r.category_id WHERE " + where,
            params,
        ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def _sheet_rows(path: Path, first: int = 2) -> list[tuple[Any, ...]]:
    """The data rows of an exported workbook's reports sheet."""
    book = load_workbook(path)
    return list(book.worksheets[0].iter_rows(min_row=first, values_only=True))


def _jalali(d: date) -> str:
    j = jdatetime.date.fromgregorian(date=d)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


async def test_xlsx_rows_and_sums_match_sql(seeded: Store, tmp_path: Path) -> None:
    db_path = Path(seeded.db.path)
    out = tmp_path / "aban.xlsx"
    result = write_export(db_path, ExportFilter(*ABAN), out, ExportFormat.XLSX)

    expected = _expected(
        db_path,
        "r.service_date BETWEEN ? AND ? AND r.status != 'deleted'",
        ("2026-10-23", "2026-11-21"),
    )
    assert len(expected) > 50
    book = load_workbook(out)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["R"].width > sheet.column_dimensions["J"].width
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert result.rows == len(rows) == len(expected)
    # Filter buttons on the header, over every row; counts with thousands separators.
    assert sheet.auto_filter.ref == f"A1:S{len(rows) + 1}"
    for name in ("تعداد", "بهره‌مندان", "داوطلبان"):
        assert sheet.cell(row=2, column=COL[name] + 1).number_format == "#,##0"
    status_text = {"submitted": "ثبت‌شده", "approved": "تأییدشده", "returned": "برگشت‌خورده"}
    for row in rows:
        group, province, county, service, unit, qty, benef, vols, day, status, photos = expected[
            row[COL["شمارهٔ رسید"]]
        ]
        assert row[COL["گروه"]] == group
        assert (row[COL["استان"]], row[COL["شهرستان"]]) == (province, county)
        assert (row[COL["نوع خدمت"]], row[COL["واحد"]]) == (service, unit)
        assert (row[COL["تعداد"]], row[COL["بهره‌مندان"]], row[COL["داوطلبان"]]) == (
            qty,
            benef,
            vols,
        )
        assert type(row[COL["تعداد"]]) is int
        assert row[COL["تاریخ خدمت (میلادی)"]].date() == date.fromisoformat(day)
        assert row[COL["تاریخ خدمت (شمسی)"]] == _jalali(date.fromisoformat(day))
        assert row[COL["وضعیت"]] == status_text[status]
        assert row[COL["تعداد عکس"]] == photos
        assert isinstance(row[COL["زمان ثبت (تهران)"]], datetime)
    tricky = next(r for r in rows if r[COL["تعداد عکس"]] == 3)
    assert tricky[COL["توضیح"]] == TRICKY.replace("\x07", "")  # text, never a formula
    assert tricky[COL["تاریخ خدمت (شمسی)"]] == "1405/08/10"
    assert sheet.cell(row=2, column=COL["تاریخ خدمت (میلادی)"] + 1).is_date

    # The summaries add up to the same figures as SQL grouping the same reports; quantities
    # are added up only within a unit.
    live = (
        " WHERE r.service_date BETWEEN '2026-10-23' AND '2026-11-21'"
        " AND r.status IN ('submitted', 'approved', 'returned')"
    )
    with closing(sqlite3.connect(db_path)) as conn:
        by_service = conn.execute(
            "SELECT c.name, c.unit, COUNT(*), SUM(r.quantity), IFNULL(SUM(r.beneficiaries), 0)"
            " FROM reports r JOIN categories c ON c.id = r.category_id" + live + " GROUP BY c.id"
        ).fetchall()
        by_unit = conn.execute(
            "SELECT c.unit, COUNT(*), SUM(r.quantity) FROM reports r"
            " JOIN categories c ON c.id = r.category_id" + live + " GROUP BY c.unit"
        ).fetchall()
        by_province = conn.execute(
            "SELECT p.name, c.unit, SUM(r.quantity) FROM reports r"
            " JOIN provinces p ON p.id = r.province_id"
            " JOIN categories c ON c.id = r.category_id" + live + " GROUP BY p.id, c.unit"
        ).fetchall()
        reports_by_province = dict(
            conn.execute(
                "SELECT p.name, COUNT(*) FROM reports r JOIN provinces p ON p.id = r.province_id"
                + live
                + " GROUP BY p.id"
            ).fetchall()
        )
    assert len(by_unit) > 1  # the demo's services have unlike units
    services = book[label("export-sheet-services")]
    assert services.sheet_view.rightToLeft and services.freeze_panes == "A2"
    lines = list(services.iter_rows(min_row=2, values_only=True))
    kinds = len(by_service)
    assert {(r[1], r[2], r[3], r[4], r[5]) for r in lines[:kinds]} == set(by_service)
    units = lines[kinds:-1]
    assert {(r[2], r[3], r[4]) for r in units} == set(by_unit)
    assert all(r[0] == f"جمع {r[2]}" for r in units)
    assert lines[-1][0] == "جمع" and lines[-1][3] == len(expected)
    assert lines[-1][4] is None  # no one number for the quantities of unlike units
    provinces = book[label("export-sheet-provinces")]
    header = [c.value for c in provinces[1]]
    table = list(provinces.iter_rows(min_row=2, values_only=True))
    found = {
        (r[0], head[len("تعداد (") : -1], value)
        for r in table[:-1]
        for head, value in zip(header, r, strict=True)
        if head.startswith("تعداد (") and value
    }
    assert found == set(by_province)
    assert {r[0]: r[1] for r in table[:-1]} == reports_by_province
    assert table[-1][:2] == ("جمع", len(expected))


async def test_a_report_not_yet_reviewed_is_named_as_the_bot_names_it(
    seeded: Store, tmp_path: Path
) -> None:
    """With review on, «در انتظار بررسی», as in «گزارش‌های من» and the export's question."""
    db_path = Path(seeded.db.path)
    out = tmp_path / "r.csv"
    write_export(db_path, ExportFilter(*ABAN), out, ExportFormat.CSV, review=True)
    with closing(sqlite3.connect(db_path)) as conn:
        statuses = dict(conn.execute("SELECT receipt, status FROM reports").fetchall())
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"), newline="")))[1:]
    names = {statuses[r[0]]: r[COL["وضعیت"]] for r in rows}
    assert names == {
        "submitted": "در انتظار بررسی",
        "approved": "تأییدشده",
        "returned": "برگشت‌خورده",
    }


async def test_csv_opens_as_persian(seeded: Store, tmp_path: Path) -> None:
    db_path = Path(seeded.db.path)
    out = tmp_path / "aban.csv"
    write_export(db_path, ExportFilter(*ABAN), out, ExportFormat.CSV, hxl=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADERS
    assert rows[1][0] == "#activity+code" and all(tag.startswith("#") for tag in rows[1])
    expected = _expected(
        db_path,
        "r.service_date BETWEEN ? AND ? AND r.status != 'deleted'",
        ("2026-10-23", "2026-11-21"),
    )
    data = rows[2:]
    assert {r[0] for r in data} == set(expected)
    assert sum(int(r[COL["تعداد"]]) for r in data) == sum(e[5] for e in expected.values())
    tricky = next(r for r in data if r[COL["تعداد عکس"]] == "3")
    assert tricky[COL["توضیح"]] == "'" + TRICKY  # a spreadsheet shows it as text
    assert tricky[COL["محل"]] == "'-محله"
    assert tricky[COL["تاریخ خدمت (میلادی)"]] == "2026-11-01"
    assert tricky[COL["بهره‌مندان"]] == ""


async def test_filters_by_province_status_and_dates(seeded: Store, tmp_path: Path) -> None:
    db_path = Path(seeded.db.path)
    markazi = (await seeded.places.search_provinces("مرکزی"))[0].id
    flt = ExportFilter(
        date(2026, 11, 1), date(2026, 11, 10), (markazi,), None, (ReportStatus.APPROVED,)
    )
    out = tmp_path / "m.xlsx"
    write_export(db_path, flt, out, ExportFormat.XLSX)
    expected = _expected(
        db_path,
        "r.service_date BETWEEN '2026-11-01' AND '2026-11-10' AND r.status = 'approved'"
        " AND r.province_id = ?",
        (markazi,),
    )
    rows = _sheet_rows(out)
    assert expected and {r[0] for r in rows} == set(expected)
    assert {r[COL["استان"]] for r in rows} == {"مرکزی"}

    campaign = int(await seeded.db.scalar("SELECT id FROM campaigns"))
    flt = ExportFilter(*ABAN, campaign_id=campaign, statuses=(ReportStatus.DELETED,))
    write_export(db_path, flt, out, ExportFormat.XLSX, hxl=True)
    expected = _expected(
        db_path,
        "r.service_date BETWEEN ? AND ? AND r.status = 'deleted' AND r.campaign_id = ?",
        ("2026-10-23", "2026-11-21", campaign),
    )
    sheet = load_workbook(out).worksheets[0]
    assert sheet.freeze_panes == "A3" and sheet["A2"].value == "#activity+code"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert expected and {r[0] for r in rows} == set(expected)
    assert {r[COL["وضعیت"]] for r in rows} == {"حذف‌شده"}


@pytest.mark.parametrize("process", [True, False], ids=["process", "thread"])
async def test_runs_in_background_beside_an_open_write(
    seeded: Store, tmp_path: Path, process: bool
) -> None:
    """A write transaction of the bot neither blocks the export nor leaks into it."""
    db_path = Path(seeded.db.path)
    seen: list[tuple[int, int, int]] = []
    loop_thread = threading.get_ident()
    before = int(
        await seeded.db.scalar(
            "SELECT COUNT(*) FROM reports WHERE status != 'deleted'"
            " AND service_date BETWEEN '2026-10-23' AND '2026-11-21'"
        )
    )
    async with seeded.db.transaction():
        await seeded.db.execute(
            "UPDATE reports SET status = 'deleted' WHERE service_date = '2026-11-01'"
        )
        result = await export_in_background(
            db_path,
            ExportFilter(*ABAN),
            tmp_path / "x.csv",
            ExportFormat.CSV,
            progress=lambda done, total: seen.append((done, total, threading.get_ident())),
            process=process,
        )
    assert result.rows == before
    await asyncio.sleep(0)  # let the last relayed progress calls run
    assert seen[0][:2] == (0, before) and seen[-1][:2] == (before, before)
    assert {thread for _, _, thread in seen} == {loop_thread}
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
    lines = await asyncio.to_thread((tmp_path / "x.csv").read_text, encoding="utf-8-sig")
    assert len(lines.splitlines()) == before + 1


async def test_background_errors_and_cancelling(seeded: Store, tmp_path: Path) -> None:
    """The child process's errors come back as write_export's; cancelling leaves no file."""
    db_path = Path(seeded.db.path)
    with pytest.raises(FileNotFoundError):
        await export_in_background(
            db_path, ExportFilter(*ABAN), tmp_path / "no" / "x.csv", ExportFormat.CSV
        )
    with pytest.raises(FileNotFoundError):
        await export_in_background(
            tmp_path / "none.db", ExportFilter(*ABAN), tmp_path / "x.csv", ExportFormat.CSV
        )
    writing = asyncio.Event()
    task = asyncio.create_task(
        export_in_background(
            db_path,
            ExportFilter(*ABAN),
            tmp_path / "c.xlsx",
            ExportFormat.XLSX,
            progress=lambda done, total: writing.set(),
        )
    )
    await writing.wait()  # the child has its partial file open now
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not _leftovers(tmp_path)
    if (tmp_path / "c.xlsx").exists():  # the child may have finished before the signal came
        assert len(_sheet_rows(tmp_path / "c.xlsx")) > 50
    assert not (tmp_path / "x.csv").exists()


def _leftovers(*folders: Path) -> list[Path]:
    """Temporary files an export left behind (there should be none)."""
    return [p for folder in folders for p in folder.glob(".*.part")]


def _cli(tmp_path: Path, db_path: Path, *args: str) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{db_path}"\n', encoding="utf-8")
    return ["--config", str(config), "export", *args]


async def test_cli_writes_the_file_with_plain_progress_lines(
    seeded: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = Path(seeded.db.path)
    out = tmp_path / "out.csv"
    argv = _cli(tmp_path, db_path, "--from", "۱۴۰۵/۰۸/۰۱", "--to", "1405/8/30", "--out", str(out))
    assert (
        await asyncio.to_thread(cli.main, [*argv, "--province", "مركزي", "--status", "approved"])
        == 0
    )
    captured = capsys.readouterr()
    count = int(
        await seeded.db.scalar(
            "SELECT COUNT(*) FROM reports r JOIN provinces p ON p.id = r.province_id"
            " WHERE p.name = 'مرکزی' AND r.status = 'approved'"
            " AND r.service_date BETWEEN '2026-10-23' AND '2026-11-21'"
        )
    )
    assert count > 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == count + 1
    assert "\r" not in captured.err and "۱۰۰٪" in captured.err.splitlines()[-1]
    assert "✅" in captured.out and "گزارش" in captured.out
    assert not _leftovers(tmp_path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "1405/13/01", "--to", "1405/08/30"], "ماه ۱۳ نداریم"),
        (["--from", "1405/08/30", "--to", "1405/08/01"], "پیش از تاریخ شروع"),
        (["--from", "1405/08/01", "--to", "1405/08/30", "--province", "ناکجا"], "«ناکجا»"),
        (["--from", "1405/08/01", "--to", "1405/08/30", "--province", "خراسان"], "خراسان رضوی"),
        (["--from", "1405/08/01", "--to", "1405/08/30", "--campaign", "۹۹"], "پویشی"),
        (["--from", "1405/08/01", "--to", "1405/08/30", "--campaign", "یک"], "عدد"),
        (["--from", "1405/08/01", "--to", "1405/08/30", "--out", "/no/such/dir/x.xlsx"], "پوشه"),
        (["--from", "1405/08/01", "--to", "1405/08/30", "--out", "."], "پوشه است"),
    ],
)
async def test_cli_errors_exit_2_without_traceback(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    db_path = Path(store.db.path)
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "x.xlsx")]
    assert await asyncio.to_thread(cli.main, _cli(tmp_path, db_path, *args)) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "x.xlsx").exists()
    assert not _leftovers(tmp_path, Path("."))


def test_cli_without_a_database_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = _cli(tmp_path, tmp_path / "none.db", "--from", "1405/08/01", "--to", "1405/08/30")
    assert cli.main([*argv, "--out", str(tmp_path / "x.csv")]) == 2
    assert "پایگاه‌داده‌ای" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


class _Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_bar_redraws_one_line_on_a_terminal() -> None:
    stream = _Terminal()
    bar = TerminalProgress(stream)
    for done in range(0, 2001):
        bar(done, 2000)
    text = stream.getvalue()
    assert text.count("\r") == 101  # once per percent, not once per row
    assert text.endswith("۱۰۰٪  ۲٬۰۰۰ از ۲٬۰۰۰ گزارش\x1b[K\n")
    assert "▓" * 24 in text.splitlines()[-1]

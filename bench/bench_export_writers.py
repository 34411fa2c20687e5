"""Which XLSX writer for the national export: time, peak memory and links kept, writer by writer.

Fills a database as bench_export.py does (100,000 reports with 0–3 photos each by default) and
writes the same rows (bot.export.sheet's cells, photo links included) with each writer in a fresh
interpreter, so that each peak RSS (VmHWM) is its own:

- openpyxl-links: openpyxl's write-only sheet with a cell hyperlink per photo count (what /export
  did before issue 24: Excel drops every link past 65,530 in a sheet, and openpyxl keeps each
  hyperlink object until it saves);
- openpyxl-formulas: the same with a =HYPERLINK(url, n) formula per photo count;
- xlsxwriter: bot.export.sheet.write_export itself, XlsxWriter in constant_memory mode with the same
  formulas and their values (and the two summary sheets);
- rustpy-xlsxwriter and pyexcelerate, when installed (they are not the project's dependencies:
  `pip install --target DIR ...` and PYTHONPATH=DIR to include them).

Each file is then read back: the formulas and hyperlinks in its reports sheet are counted from
its XML, and openpyxl opens it (read-only).

    .venv/bin/python bench/bench_export_writers.py [--reports 100000] [--writers a,b]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from bench_export import EVERYTHING, _status_kb, fill

WRITERS = ("openpyxl-links", "openpyxl-formulas", "xlsxwriter", "rustpy-xlsxwriter", "pyexcelerate")
MODULES = {
    "openpyxl-links": "openpyxl",
    "openpyxl-formulas": "openpyxl",
    "xlsxwriter": "xlsxwriter",
    "rustpy-xlsxwriter": "rustpy_xlsxwriter",
    "pyexcelerate": "pyexcelerate",
}


def rows(db: str) -> Iterator[list[Any]]:
    """The export's rows as bot.export.sheet makes its cells, with photo links."""
    from bot.export.photo_links import PhotoLinks
    from bot.export.sheet import _Cells
    from db.export import ExportReader

    cells = _Cells(PhotoLinks("khedmatyar_bot", b"k" * 32))
    with ExportReader(db) as reader, reader.snapshot():
        for row in reader.rows(EVERYTHING):
            yield cells.values(row)


def headers() -> list[str]:
    """The reports sheet's header row."""
    from bot.export.sheet import _headers

    return _headers()


def formula(value: Any) -> str:
    """A linked photo count as a =HYPERLINK formula."""
    return f'=HYPERLINK("{value.url}",{value.value})'


def write_openpyxl(db: str, out: str, links: bool) -> int:
    """openpyxl, write-only: hyperlink cells (links=True) or =HYPERLINK formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from bot.export.sheet import _Linked

    book = Workbook(write_only=True)
    ws = book.create_sheet("reports")
    ws.sheet_view.rightToLeft = True
    ws.append(headers())
    n = 0
    for values in rows(db):
        cells: list[Any] = []
        for value in values:
            if isinstance(value, _Linked):
                if links:
                    cell = WriteOnlyCell(ws, value=value.value)
                    cell.hyperlink = value.url
                else:
                    cell = WriteOnlyCell(ws, value=formula(value))
                cells.append(cell)
            elif isinstance(value, datetime):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        n += 1
    book.save(out)
    return n


def write_xlsxwriter(db: str, out: str) -> int:
    """The bot's own export (bot.export.sheet.write_export): XlsxWriter in constant_memory mode,
    =HYPERLINK formulas with their values, and the two summary sheets."""
    from bot.export.photo_links import PhotoLinks
    from bot.export.sheet import ExportFormat, write_export

    links = PhotoLinks("khedmatyar_bot", b"k" * 32)
    return write_export(db, EVERYTHING, out, ExportFormat.XLSX, links=links).rows


def write_rustpy(db: str, out: str) -> int:
    """rustpy-xlsxwriter from a generator of dicts; the formula reads a hidden-ish URL column."""
    from rustpy_xlsxwriter import FastExcel

    from bot.export.sheet import _Linked

    names = headers()
    count = [0]

    def records() -> Iterator[dict[str, Any]]:
        for values in rows(db):
            record: dict[str, Any] = {}
            for name, value in zip(names, values, strict=True):
                if isinstance(value, _Linked):
                    record[name] = value.value
                    record["url"] = value.url
                else:
                    record[name] = value
                    record.setdefault("url", None)
            count[0] += 1
            yield record

    last = chr(ord("A") + len(names))  # the url column, after the headers
    photos = chr(ord("A") + len(names) - 1)
    FastExcel(out).sheet(
        "reports",
        records(),
        formula_columns={"link": f"=HYPERLINK({last}{{row}},{photos}{{row}})"},
        sheet_view={"right_to_left": True},
    ).save()
    return count[0]


def write_pyexcelerate(db: str, out: str) -> int:
    """PyExcelerate: the whole sheet is built in memory, then written."""
    from pyexcelerate import Workbook

    from bot.export.sheet import _Linked

    data = [headers()]
    for values in rows(db):
        data.append([formula(v) if isinstance(v, _Linked) else v for v in values])
    book = Workbook()
    book.new_sheet("reports", data=data)
    book.save(out)
    return len(data) - 1


def child(writer: str, db: str, out: str) -> None:
    """Writes one file in this fresh interpreter and prints its figures as JSON."""
    import bot.export.sheet  # noqa: F401  (the bot's imports count as the base, as in a real export)

    jobs: dict[str, Callable[[], int]] = {
        "openpyxl-links": lambda: write_openpyxl(db, out, True),
        "openpyxl-formulas": lambda: write_openpyxl(db, out, False),
        "xlsxwriter": lambda: write_xlsxwriter(db, out),
        "rustpy-xlsxwriter": lambda: write_rustpy(db, out),
        "pyexcelerate": lambda: write_pyexcelerate(db, out),
    }
    __import__(MODULES[writer])
    base = _status_kb("VmHWM")
    started = time.perf_counter()
    written = jobs[writer]()
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    print(json.dumps({"rows": written, "s": seconds, "base": base, "peak": peak}))


def count_links(path: Path) -> tuple[int, int]:
    """(=HYPERLINK formulas, hyperlink elements) in the first worksheet's XML, read streaming."""
    found = {b"HYPERLINK(": 0, b"<hyperlink ": 0}
    tail = b""
    with zipfile.ZipFile(path) as book, book.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(1 << 20):
            text = tail + chunk
            for pattern in found:
                found[pattern] += text.count(pattern)
            tail = text[-9:]  # shorter than either pattern: never counted twice
    return found[b"HYPERLINK("], found[b"<hyperlink "]


def opens(path: Path) -> bool:
    """Whether openpyxl reads the file (read-only, every row)."""
    check = (
        "import sys; from openpyxl import load_workbook\n"
        "ws = load_workbook(sys.argv[1], read_only=True).worksheets[0]\n"
        "print(sum(1 for _ in ws.iter_rows(values_only=True)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check, str(path)], capture_output=True, text=True, timeout=900
    )
    return done.returncode == 0


def main(args: argparse.Namespace) -> None:
    """Fills the database, then runs each writer in its own interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "export.db"
        took = asyncio.run(fill(db, args.reports, args.groups))
        print(f"database: {args.reports:,} reports, filled in {took:.1f} s", flush=True)
        for writer in args.writers:
            if importlib.util.find_spec(MODULES[writer]) is None:
                print(f"  {writer:<18} not installed", flush=True)
                continue
            out = Path(tmp) / f"{writer}.xlsx"
            done = subprocess.run(
                [sys.executable, __file__, "--child", writer, str(db), str(out)],
                capture_output=True,
                text=True,
                timeout=1800,
            )
            if done.returncode != 0:
                print(f"  {writer:<18} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            f = json.loads(done.stdout)
            formulas, links = count_links(out)
            size = out.stat().st_size / 1e6
            print(
                f"  {writer:<18} {f['rows']:>7,} rows  {f['s']:6.1f} s  "
                f"{f['rows'] / f['s']:7,.0f} rows/s  peak {f['peak'] / 1024:6.1f} MB "
                f"(+{(f['peak'] - f['base']) / 1024:5.1f} MB over its imports)  "
                f"{size:5.1f} MB  HYPERLINK formulas {formulas:,}  hyperlinks {links:,}  "
                f"openpyxl opens it: {'yes' if opens(out) else 'NO'}",
                flush=True,
            )
            out.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
        sys.exit()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=3_000)
    parser.add_argument(
        "--writers", type=lambda s: s.split(","), default=list(WRITERS), help="comma-separated"
    )
    main(parser.parse_args())

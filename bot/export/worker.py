"""The child process of bot.export.sheet.export_in_background: one export, reported line by line.

Run as `python -m bot.export.worker` with the request (bot.export.sheet.encode_request) on stdin. It
prints `progress DONE TOTAL` lines, then `done ROWS PEAK_KB` (its peak memory, 0 where the
system does not say), or `failed {json}` for an error
the caller re-raises. SIGTERM stops it cleanly: write_export removes its partial file. It runs
at a lower CPU priority (nice 10) so that, on a busy machine, the bot answering people comes
first.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from bot.export.sheet import decode_request, write_export
from db.database import driver_errors


def _report(line: str) -> None:
    """Writes one line to the parent at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _peak_kb() -> int:
    """This process's peak resident memory (VmHWM; unlike getrusage's, it does not count the
    parent's pages from before the exec), in kB; 0 where /proc does not tell."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    """Turns SIGTERM into SystemExit, so that cleanup code runs."""
    raise SystemExit(128 + signum)


def main() -> int:
    """Runs the export read from stdin; returns the exit status."""
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(OSError):
        os.nice(10)  # a background job: the bot's own process comes first for the CPU
    db_path, flt, out, fmt, hxl, links, review = decode_request(sys.stdin.buffer.read())
    try:
        result = write_export(
            db_path,
            flt,
            out,
            fmt,
            hxl=hxl,
            progress=lambda done, total: _report(f"progress {done} {total}"),
            links=links,
            review=review,
        )
    except OSError as exc:
        failure = {
            "kind": "os",
            "errno": exc.errno,
            "message": exc.strerror or str(exc),
            "filename": exc.filename,
        }
    except driver_errors() as exc:
        failure = {"kind": "database", "message": str(exc)}
    except Exception as exc:
        failure = {"kind": "other", "message": repr(exc)}
    else:
        _report(f"done {result.rows} {_peak_kb()}")
        return 0
    _report("failed " + json.dumps(failure, ensure_ascii=False))
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""The build of an export a person asked for in Telegram: a task of its own that writes the file
(bot.export.sheet.export_in_background, through a read-only connection), edits the status line
under the summary as it goes, at low priority, and sends the document; kept in the database while
it runs (db.export_jobs), so a stop costs a restart of the build, not the file (resume_exports).
Who may have an export is decided here (may_export), at the flow's «ساختن فایل» and again at a
resume."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.core import jalali
from bot.core.i18n import Html, label, t
from bot.core.text import fmt_percent, progress_bar
from bot.export.photo_links import SECRET_NAME, PhotoLinks
from bot.kit.context import Context
from bot.kit.keyboards import button, cb, inline
from bot.kit.principal import Principal, load_principal
from bot.runtime.ratelimit import LOW, send_priority
from db.export import ExportFilter, ExportReader
from db.export_jobs import ExportJobRepo
from db.models import Campaign, ReportStatus
from db.screens import BUTTONS as WITH_BUTTONS
from db.screens import ScreenRepo

log = logging.getLogger(__name__)

# Exports up to this many rows are written in a worker thread (it starts at once); larger ones
# in a child process, which keeps openpyxl's work off the bot's own interpreter
# (bench/RESULTS.md, bench_export.py: a save's p95 grows tenfold beside a 100,000-row export in
# a thread). A few thousand rows take a second or two either way.
THREAD_ROWS = 5_000
MAX_UPLOAD = 50 * 1000 * 1000  # bytes a bot may send as a document
UPLOAD_SECONDS = 120.0  # a 12 MB file on a slow link takes longer than PTB's default 20 s
PROGRESS_MIN_GAP = 1.0  # seconds: never edit the progress message more often
PROGRESS_MAX_GAP = 2.0  # seconds: edit at least this often while rows come, tenth or not
RESUME_ATTEMPTS = 3  # builds of one export begun (the first and after restarts) before giving up


@dataclasses.dataclass(frozen=True)
class Plan:
    """An export the person may have, checked against their roles at the build."""

    flt: ExportFilter
    fmt: str
    hxl: bool
    scope: str  # the scope in words, for the caption
    campaign: str = ""  # the campaign filter in words
    status: str = ""  # the status filter in words


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-friendly data, kept while its build runs (db.export_jobs)."""
    flt = plan.flt
    return {
        "start": flt.start.isoformat(),
        "end": flt.end.isoformat(),
        "provinces": list(flt.province_ids),
        "campaign_id": flt.campaign_id,
        "statuses": [s.value for s in flt.statuses],
        "fmt": plan.fmt,
        "hxl": plan.hxl,
        "scope": plan.scope,
        "campaign": plan.campaign,
        "status": plan.status,
    }


def plan_from(data: dict[str, Any]) -> Plan:
    """A kept plan back (see plan_data)."""
    flt = ExportFilter(
        date.fromisoformat(data["start"]),
        date.fromisoformat(data["end"]),
        tuple(int(p) for p in data["provinces"]),
        data["campaign_id"],
        tuple(ReportStatus(s) for s in data["statuses"]),
    )
    return Plan(
        flt, data["fmt"], bool(data["hxl"]), data["scope"], data["campaign"], data["status"]
    )


def may_export(who: Principal, provinces: tuple[int, ...], campaign: Campaign | None) -> bool:
    """Whether a person may have an export of these provinces (() for the whole country) and
    campaign: an admin anything; a coordinator their provinces, with a national campaign or one
    of theirs."""
    if who.admin:
        return True
    if not who.coordinator or not provinces or not all(who.oversees(p) for p in provinces):
        return False
    return campaign is None or campaign.province_id is None or who.oversees(campaign.province_id)


async def begin_build(
    context: Context,
    chat_id: int,
    plan: Plan,
    *,
    summary: str = "",
    message_id: int | None = None,
    seen: int | None = None,
) -> None:
    """Starts the build as a task of its own; its progress and last word replace the status
    line under the summary (the message the summary is in, or a new one). seen: a kept build's
    attempts as read, when it is begun again (not at all, if another process began it since)."""
    exports = context.bot_data.exports
    if chat_id in exports:
        await context.bot.send_message(chat_id, t("export-busy"))
        return
    exports.add(chat_id)  # before any await: a second build cannot slip in between
    try:
        if message_id is None:
            message_id = (
                await context.bot.send_message(chat_id, t("export-progress-start"))
            ).message_id
        links = PhotoLinks(context.bot.username, await context.store.secrets.get(SECRET_NAME))
        # Kept until the build ends: a crash meanwhile costs a restart of the build, not the file.
        if not await context.store.export_jobs.start(
            chat_id, message_id, plan_data(plan), summary, seen=seen
        ):
            exports.discard(chat_id)
            return
    except BaseException:
        exports.discard(chat_id)
        raise
    job = Build(
        context.bot,
        context.config.database.target,
        chat_id,
        message_id,
        plan,
        links,
        head=summary,
        jobs=context.store.export_jobs,
        screens=context.store.screens,
        review=context.config.report.review,
    )
    context.application.create_task(job.run(exports), name=f"export-{chat_id}")


async def resume_exports(context: Context) -> int:
    """Builds again the exports a stop cut off, in their status messages, for those who may
    still have them; one that was begun RESUME_ATTEMPTS times is given up. Returns how many."""
    store, resumed = context.store, 0
    for kept in await store.export_jobs.unfinished():
        if kept.chat_id in context.bot_data.exports:  # this process's own build, under way
            continue
        last: str | None = None
        try:
            plan = plan_from(kept.plan)
            who = await load_principal(store, context.config, kept.chat_id)
            campaign = await store.campaigns.get(plan.flt.campaign_id or 0)
            if not may_export(who, plan.flt.province_ids, campaign):
                last = t("export-not-allowed")
            elif kept.attempts >= RESUME_ATTEMPTS:
                last = t("export-failed")
            else:
                log.info("resuming the export of %s cut off by a stop", kept.chat_id)
                await begin_build(
                    context,
                    kept.chat_id,
                    plan,
                    summary=kept.head,
                    message_id=kept.message_id,
                    seen=kept.attempts,
                )
                resumed += 1
        except Exception:  # one kept build that cannot be read must not hold up the others
            log.exception("could not resume the export of %s", kept.chat_id)
            last = t("export-failed")
        if last is not None:
            await store.export_jobs.end(kept.chat_id, kept.message_id)
            with contextlib.suppress(TelegramError):
                await context.bot.edit_message_text(
                    last, chat_id=kept.chat_id, message_id=kept.message_id
                )
    return resumed


class ProgressPacer:
    """Decides when the progress message is worth editing: at each new tenth of the rows, or
    every PROGRESS_MAX_GAP seconds while rows come, never within PROGRESS_MIN_GAP of the last."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.at = clock()
        self.tenth = 0
        self.done = 0

    def due(self, done: int, total: int) -> bool:
        """True when (done, total) should be shown now; remembers it as shown."""
        if total <= 0 or done >= total or done <= self.done:
            return False
        now = self.clock()
        tenth = done * 10 // total
        gap = now - self.at
        if gap < PROGRESS_MIN_GAP or (tenth <= self.tenth and gap < PROGRESS_MAX_GAP):
            return False
        self.at, self.tenth, self.done = now, tenth, done
        return True


class Build:
    """One export being built for one person, from the count to the document."""

    def __init__(
        self,
        bot: ExtBot[None],
        db_path: str | Path,
        chat_id: int,
        message_id: int,
        plan: Plan,
        links: PhotoLinks,
        *,
        head: str = "",
        jobs: ExportJobRepo | None = None,
        screens: ScreenRepo | None = None,
        review: bool = False,
    ) -> None:
        self.bot = bot
        self.db_path = db_path
        self.chat_id = chat_id
        self.message_id = message_id
        self.plan = plan
        self.links = links
        self.edit: asyncio.Task[None] | None = None
        self.folder: Path | None = None  # the temporary folder, once made
        self.pacer = ProgressPacer(asyncio.get_running_loop().time)
        self.head = head  # the summary the status line is shown under
        self.jobs = jobs  # where the build is kept until it ends
        self.screens = screens  # the person's screens: «خروجی دیگر» only on the live one
        self.review = review  # names a report not yet reviewed as waiting for review

    async def _show(self, text: str, *, again: bool = False) -> None:
        """Edits the progress message at low priority; a failed edit is only logged."""
        markup = inline([[button(label("export-again"), cb("expn", "new"))]]) if again else None
        if self.head:
            text = Html(f"{self.head}\n\n{text}")
        try:
            with send_priority(LOW):
                await self.bot.edit_message_text(
                    text, chat_id=self.chat_id, message_id=self.message_id, reply_markup=markup
                )
        except TelegramError as exc:
            log.info("could not edit export progress of %s: %s", self.chat_id, exc)

    def progress(self, done: int, total: int) -> None:
        """Called (on the event loop) as rows are written: edits the message now and then."""
        if (self.edit is None or self.edit.done()) and self.pacer.due(done, total):
            text = t(
                "export-tg-progress",
                bar=progress_bar(done, total),
                percent=fmt_percent(done, total),
                done=done,
                total=total,
            )
            self.edit = asyncio.get_running_loop().create_task(self._show(text))
            log.debug("export progress %d/%d shown to %s", done, total, self.chat_id)

    async def _settle(self) -> None:
        """Waits for a progress edit under way, so no late edit overwrites the last word."""
        if self.edit is not None:
            with contextlib.suppress(Exception):
                await self.edit

    async def run(self, exports: set[int]) -> None:
        """Counts, builds, sends; frees the person's slot and removes the temporary folder before
        the last word, so that whatever it says is already true."""
        try:
            last = await self._build_and_send()
        except Exception:
            log.exception("export for %s failed", self.chat_id)
            last = t("export-failed")
        except BaseException:  # cancelled by a stop: the kept build is for resume_exports
            exports.discard(self.chat_id)
            raise
        finally:
            if self.folder is not None:
                await asyncio.to_thread(shutil.rmtree, self.folder, True)
        try:
            await self._forget()  # ended (not cancelled by a stop): nothing to resume
        finally:
            # Only now: a slot free while its build is still kept looked cut off by a stop, and
            # resume_exports (a second after start-up) began it again beside its own last word.
            exports.discard(self.chat_id)
        await self._settle()
        await self._show(last, again=await self._still_shown())

    async def _still_shown(self) -> bool:
        """True when the status message is still the person's live screen (then it gets
        «📤 خروجی دیگر», and loses it once replaced); a status another screen has replaced
        since gets no button, so old ones never stack up."""
        if self.screens is None:
            return True
        if not await self.screens.live(self.chat_id, self.message_id):
            return False
        await self.screens.show(self.chat_id, self.message_id, WITH_BUTTONS)
        return True

    async def _forget(self) -> None:
        """Drops the kept build: it ended, or its document is out."""
        if self.jobs is not None:
            await self.jobs.end(self.chat_id, self.message_id)

    async def _build_and_send(self) -> Html:
        """Writes the file off the event loop and sends it as a document; returns the last word."""
        from bot.export.sheet import (  # openpyxl loads on first use
            ExportFormat,
            export_in_background,
        )

        plan, flt = self.plan, self.plan.flt
        rows = await asyncio.to_thread(count_rows, self.db_path, flt)
        if rows == 0:
            return t("export-empty-range")
        self.folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="khedmatyar-export-"))
        out = self.folder / f"export.{plan.fmt}"
        result = await export_in_background(
            self.db_path,
            flt,
            out,
            ExportFormat(plan.fmt),
            hxl=plan.hxl,
            progress=self.progress,
            process=rows > THREAD_ROWS,
            links=self.links,
            review=self.review,
        )
        if result.rows == 0:
            return t("export-empty-range")
        data = await asyncio.to_thread(out.read_bytes)
        if len(data) > MAX_UPLOAD:
            return t("export-too-big")
        await self._settle()
        await self._show(t("export-sending"))
        period = jalali.format_range(flt.start, flt.end)
        caption = t("export-caption", rows=result.rows)  # the summary is just above it
        place = plan.scope if len(flt.province_ids) == 1 else ""
        title = label("export-file-place", range=period, place=place) if place else ""
        name = f"{title or label('export-file', range=period)}.{plan.fmt}"
        await self.bot.send_document(
            self.chat_id, data, filename=name, caption=caption, write_timeout=UPLOAD_SECONDS
        )
        await self._forget()  # at once: a crash from here on does not send it again
        return t("export-ready", rows=result.rows)


def count_rows(db_path: str | Path, flt: ExportFilter) -> int:
    """How many reports the export holds (blocking: run in a thread)."""
    with ExportReader(db_path) as reader:
        return reader.count(flt)

"""Regressions the crash and fault soaks found (tests/test_soak_crash.py, test_soak_faults.py)."""

from __future__ import annotations

from bot.i18n import t
from tests.conftest import Harness
from tests.test_report import leader_with_campaign, to_review


async def test_an_album_answer_cut_off_by_a_stop_comes_after_the_restart(
    harness: Harness,
) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    await reza.press("بدون پویش")
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    for answer in ("12", "40", "6"):
        await reza.send(answer)
    await reza.press("📍 همان محل گروه: اراک، استان مرکزی")
    await reza.press("رد شدن")
    await reza.press("دیروز")
    await reza.press("رد شدن")
    await reza.send_album(2)  # handled; its one answer waits a second in an in-memory job
    await harness.stop()
    assert "عکس دارید" in reza.last.text
    await harness.start([harness.admin.id] if harness.admin else [])
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("album-resume")
    await job.run(harness.app)
    await harness.sim.refresh()
    assert t("report-photos-received", count=2) in reza.last.text
    await reza.press("✅ تمام")
    assert "عکس: ۲" in reza.last.text


async def test_a_receipt_that_did_not_go_out_comes_with_the_next_press(harness: Harness) -> None:
    reza = await to_review(harness)
    harness.sim.allow_violations(".*")
    # The report is saved, then showing the receipt fails even after its retries.
    await harness.sim.add_fault("drop", method="editMessageText", count=3)
    await reza.press("✅ ثبت گزارش")
    assert "ثبت شد" not in reza.last.text
    await reza.press("✅ ثبت گزارش")  # the person tries again: the same report, its receipt
    assert "ثبت شد" in reza.last.text
    rows = await harness.store.db.scalar(
        "SELECT count(*) FROM reports WHERE reporter_id = ?", (reza.id,)
    )
    assert rows == 1

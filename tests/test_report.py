"""The report conversation end to end: happy path, edits, back, bad input, albums, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import jalali
from bot.core.i18n import label, t
from bot.core.text import to_persian_digits
from db.models import ReportStatus
from simulator.testing import SimUser
from tests.conftest import SAME_PLACE, TODAY, Harness, eventually

# The questions whose wording takes data: the food package of categories.toml, today's example.
QUANTITY = t("report-ask-quantity", unit="بسته", done="توزیع شد")
ASK_DATE = t("report-ask-date", example=jalali.format_numeric(TODAY))


async def leader_with_campaign(harness: Harness, name: str = "رضا") -> tuple[SimUser, int, int]:
    """A leader of «گروه امید» in Arak who has started the bot, and a running national campaign."""
    reza = await harness.sim.user(name)
    await reza.send("/start")
    group_id = await harness.group(reza)
    today = TODAY
    campaign_id = await harness.store.campaigns.create(
        "پویش ۱۱ هزار خدمت", 11000, "خدمت", today - timedelta(days=60), today + timedelta(days=60)
    )
    await reza.send("/start")  # the menu now offers reporting
    return reza, group_id, campaign_id


async def to_quantity(reza: SimUser) -> None:
    """Starts a report without a campaign for food packages, up to «چند بسته توزیع شد؟»."""
    await reza.send("/report")
    await reza.press(label("report-no-campaign"))
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")


async def fill_report(reza: SimUser, *, photos: bool = True) -> None:
    """Walks the whole conversation up to the review screen, as in UX.md (or up to the photos
    question)."""
    await reza.press(label("menu-report"))
    assert reza.last.text == t("report-ask-campaign")
    await reza.press("پویش ۱۱ هزار خدمت")
    await reza.press("معیشتی")
    assert t("report-ask-service", area="معیشتی") in reza.last.text
    await reza.press("بستهٔ معیشتی")
    assert reza.last.text == QUANTITY
    await reza.send("120")
    assert t("report-ask-beneficiaries") in reza.last.text
    await reza.send("۴۵")
    assert t("report-ask-volunteers") in reza.last.text
    await reza.send("٨")
    assert reza.last.text == t("report-ask-place")
    await reza.press(SAME_PLACE)
    await reza.send("روستای خنداب")
    assert ASK_DATE in reza.last.text
    await reza.press(label("report-date-yesterday"))
    await reza.send("توزیع بسته بین خانواده‌های کم‌برخوردار با کمک خیرین محل")
    assert t("report-ask-photos", max=10) in reza.last.text
    if photos:
        await reza.press(label("report-no-photos"))


async def test_happy_path(harness: Harness) -> None:
    reza, group_id, campaign_id = await leader_with_campaign(harness)
    await fill_report(reza)
    review = reza.last.text
    service = t(
        "report-review-service", area="معیشتی", service="بستهٔ معیشتی", quantity=120, unit="بسته"
    )
    assert service in review
    people = [label("report-review-people-count", count=n) for n in (45, 8)]
    assert t("report-review-people", beneficiaries=people[0], volunteers=people[1]) in review
    place = "روستای خنداب، " + label("place", county="اراک", province="مرکزی")
    assert t("report-review-place", place=place) in review
    yesterday = TODAY - timedelta(days=1)
    assert t("report-review-date", date=jalali.format_date(yesterday)) in review
    await reza.press(label("report-save"))
    receipt = reza.last
    reports = await harness.store.reports.recent(reza.id)
    assert len(reports) == 1
    report = reports[0]
    assert t("report-saved", receipt=to_persian_digits(report.receipt)) in receipt.text
    progress = t(
        "stats-campaign-progress",
        title="پویش ۱۱ هزار خدمت",
        count=120,
        target=11000,
        unit="خدمت",
        percent="۱٪",
        bar="",
    )
    assert progress.rstrip() in (receipt.html or "")
    assert (report.quantity, report.beneficiaries, report.volunteers) == (120, 45, 8)
    assert report.campaign_id == campaign_id and report.group_id == group_id
    assert report.place == "روستای خنداب" and report.service_date == yesterday
    assert report.status is ReportStatus.SUBMITTED
    assert await harness.store.state.draft(reza.id, "report") is None


async def to_review(harness: Harness) -> SimUser:
    reza, _, _ = await leader_with_campaign(harness)
    await fill_report(reza)
    assert reza.last.text.startswith(t("report-review-title"))
    return reza


async def test_every_field_edited_from_review(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-edit-campaign"))
    await reza.press(label("report-no-campaign"))
    assert t("report-review-campaign", campaign=label("report-no-campaign")) in reza.last.text
    await reza.press(label("report-edit-service"))
    await reza.press("درمانی و بهداشتی")
    await reza.press("ویزیت پزشکی")  # another unit: «۱۲۰ بسته» is no «۱۲۰ نفر», so it asks
    assert label("report-unit-changed") in reza.last.text
    await reza.send("120")
    visit = {"area": "درمانی و بهداشتی", "service": "ویزیت پزشکی", "unit": "نفر"}
    assert t("report-review-service", quantity=120, **visit) in reza.last.text
    await reza.press(label("report-edit-quantity"))
    now = label("report-quantity-now", quantity=120, unit="نفر")
    assert t("field-now", value=now) in reza.last.text  # the value it has now
    await reza.send("۳۰")
    assert t("report-review-service", quantity=30, **visit) in reza.last.text
    await reza.press(label("report-edit-people"))
    await reza.press(label("button-skip"))
    await reza.send("12")
    people = {
        "beneficiaries": label("report-review-people-unknown"),
        "volunteers": label("report-review-people-count", count=12),
    }
    assert t("report-review-people", **people) in reza.last.text
    await reza.press(label("report-edit-place"))
    await reza.press(label("report-place-pick"))
    await reza.send("سمنان")
    await reza.press("شاهرود")
    await reza.press(label("button-skip"))
    place = label("place", county="شاهرود", province="سمنان")
    assert t("report-review-place", place=place) in reza.last.text
    await reza.press(label("report-edit-date"))
    day = TODAY - timedelta(days=5)
    await reza.send(jalali.format_numeric(day))
    assert t("report-review-date", date=jalali.format_date(day)) in reza.last.text
    await reza.press(label("report-edit-description"))
    await reza.press(label("button-skip"))
    assert t("report-review-description", description="").strip() not in reza.last.text
    await reza.press(label("report-edit-photos"))
    await reza.send_photo()
    assert t("report-photos-received", count=1) in reza.last.text
    await reza.press(label("report-photos-done"))
    assert t("report-review-photos", count=1, any="yes") in reza.last.text
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    assert report.campaign_id is None and report.category_name == "ویزیت پزشکی"
    assert (report.quantity, report.beneficiaries, report.volunteers) == (30, None, 12)
    assert report.county_name == "شاهرود" and report.place == "" and report.description == ""
    assert report.service_date == day and len(report.photos) == 1


async def test_back_from_every_step(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    steps = [
        ("پویش ۱۱ هزار خدمت", "press", t("report-ask-campaign")),
        ("معیشتی", "press", t("report-ask-area")),
        ("بستهٔ معیشتی", "press", t("report-ask-service", area="معیشتی")),
        ("120", "send", QUANTITY),
        ("45", "send", t("report-ask-beneficiaries")),
        ("8", "send", t("report-ask-volunteers")),
        (SAME_PLACE, "press", t("report-ask-place")),
        (label("button-skip"), "press", t("report-ask-village")),
        (label("report-date-today", date=jalali.format_day_month(TODAY)), "press", ASK_DATE),
        (label("button-skip"), "press", t("report-ask-description", max=500)),
        (label("report-no-photos"), "press", t("report-ask-photos", max=10)),
    ]
    for answer, how, question in steps:
        before = reza.last.text
        await (reza.press(answer) if how == "press" else reza.send(answer))
        await reza.press(label("button-back"))
        assert reza.last.text.startswith(question), (answer, reza.last.text)
        assert reza.last.text == before
        await (reza.press(answer) if how == "press" else reza.send(answer))
    assert reza.last.text.startswith(t("report-review-title"))
    await reza.press(label("button-back"))
    assert reza.last.text.startswith(t("report-ask-photos", max=10))


@pytest.mark.parametrize("typed", ["۱۲۰", "١٢٠", "120", " 120 "])
async def test_digit_systems(harness: Harness, typed: str) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send(typed)
    assert t("report-ask-beneficiaries") in reza.last.text
    draft = await harness.store.state.draft(reza.id, "report")
    assert draft is not None and draft.data["quantity"] == 120


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("صد و بیست", label("report-number-hint")),
        ("-5", label("report-number-negative")),
        ("1.5", label("report-number-fraction")),
        ("0", label("report-quantity-zero")),
        ("1" * 40, label("report-number-too-large")),
        ("<b>12</b>", label("report-number-hint")),
    ],
)
async def test_invalid_numbers(harness: Harness, typed: str, hint: str) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send(typed)
    assert reza.last.text.startswith(hint)
    assert reza.last.text.endswith(QUANTITY)
    await reza.send("1٬200")
    assert t("report-ask-beneficiaries") in reza.last.text


async def test_large_number_asks_for_confirmation(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("5,000,000")
    assert reza.last.text.startswith(t("report-confirm-large", quantity=5_000_000, unit="بسته"))
    await reza.press(label("report-large-no"))
    await reza.send("۵۰۰۰۰۰۰")
    await reza.press(label("report-large-yes"))
    draft = await harness.store.state.draft(reza.id, "report")
    assert draft is not None and draft.data["quantity"] == 5_000_000


def _first_clause(key: str, **args: object) -> str:
    """A date hint up to its «؛»: what is wrong, without the example date the bot adds."""
    return label(key, example="", **args).split("؛")[0]


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("1405/13/01", _first_clause("calendar-error-month", month=to_persian_digits("13"))),
        (
            "1404/12/30",
            _first_clause(
                "calendar-error-day",
                month=jalali.month_name(12),
                year=to_persian_digits("1404"),
                days=29,
            ),
        ),
        ("دیروز بود", _first_clause("calendar-error-format")),
        ("FUTURE", label("report-date-future")),
        ("OLD", label("report-date-too-old", days=90)),
        (
            "BEFORE",
            _first_clause(
                "report-date-before-campaign",
                start=jalali.format_date(TODAY - timedelta(days=60), weekday=False),
            ),
        ),
    ],
)
async def test_invalid_dates(harness: Harness, typed: str, hint: str) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    today = TODAY
    typed = {
        "FUTURE": jalali.format_numeric(today + timedelta(days=1)),
        "OLD": jalali.format_numeric(today - timedelta(days=91)),
        "BEFORE": jalali.format_numeric(today - timedelta(days=61)),
    }.get(typed, typed)
    await reza.send("/report")
    await reza.press("پویش ۱۱ هزار خدمت")
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    await reza.send("10")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.press(SAME_PLACE)
    await reza.press(label("button-skip"))
    await reza.send(typed)
    assert hint in reza.last.text
    assert ASK_DATE in reza.last.text
    await reza.send(jalali.format_numeric(today).replace("۰", "0"))
    assert t("report-ask-description", max=500) in reza.last.text


def _card_line(index: int, **args: object) -> str:
    """One line of a group's card (its title first, its member count last)."""
    card = {"group": "", "place": "", "specialty": "", "several": "no", "leaders": "", "members": 0}
    return t("group-card", **(card | args)).split("\n")[index]


async def test_wrong_kind_of_answer_gets_hint_and_same_question(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    await reza.send("معیشتی")  # typed where a button is expected
    assert reza.last.text.startswith(t("use-buttons"))
    assert reza.last.text.endswith(t("report-ask-campaign"))
    await reza.press(label("report-no-campaign"))
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    await reza.send_photo()  # a photo where a number is expected
    assert reza.last.text.startswith(t("report-number-hint"))
    await reza.send("/group")  # a command in the middle of the flow works, the flow waits
    assert _card_line(0, group="گروه امید") in (reza.last.html or "")
    await reza.send("/report")  # starting it again offers to go on or to start afresh
    assert label("flow-busy", flow=label("flow-name-report")) in reza.last.text
    assert QUANTITY in reza.last.text
    await reza.send("7")
    assert t("report-ask-beneficiaries") in reza.last.text


async def test_album_of_photos(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-edit-photos"))
    await reza.send_album(3)
    await eventually(harness.sim, lambda: t("report-photos-received", count=3) in reza.last.text)
    received = [t("report-photos-received", count=n) for n in range(1, 11)]
    acks = [m for m in reza.messages if any(r in m.text for r in received)]
    assert len(acks) == 1  # one answer for the whole album
    await reza.send_photo()
    assert t("report-photos-received", count=4) in reza.last.text
    await reza.press(label("report-photos-done"))
    assert t("report-review-photos", count=4, any="yes") in reza.last.text
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    assert len(report.photos) == 4
    assert len({p.file_unique_id for p in report.photos}) == 4


async def test_a_receipt_repeats_its_report_with_the_date_asked_again(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-edit-photos"))
    await reza.send_photo()
    await reza.press(label("report-photos-done"))
    await reza.press(label("report-save"))
    first = (await harness.store.reports.recent(reza.id))[0]
    await reza.press(label("report-repeat"))  # on the receipt
    code = to_persian_digits(first.receipt)
    assert reza.last.text.startswith(t("report-repeat-started", receipt=code))
    assert label("report-date-yesterday") in str(reza.last.buttons)  # the date, asked again
    await reza.press(label("report-date-today", date=jalali.format_day_month(TODAY)))
    await reza.press(label("button-skip"))  # the description is not copied either
    await reza.press(label("report-no-photos"))
    assert t("report-review-photos", count=0, any="no") in reza.last.html
    await reza.press(label("report-save"))
    second = (await harness.store.reports.recent(reza.id))[0]
    assert t("report-saved", receipt=to_persian_digits(second.receipt)) in reza.last.text
    rows = await harness.store.db.fetchall(
        "SELECT group_id, campaign_id, category_id, quantity, beneficiaries, volunteers,"
        " province_id, county_id, place, service_date, description,"
        " (SELECT COUNT(*) FROM report_photos p WHERE p.report_id = r.id) AS photos"
        " FROM reports r ORDER BY id"
    )
    assert len(rows) == 2
    before, after = (dict(row) for row in rows)
    same = ("group_id", "campaign_id", "category_id", "quantity", "beneficiaries", "volunteers")
    assert [after[k] for k in same] == [before[k] for k in same]
    assert [after[k] for k in ("province_id", "county_id", "place")] == [
        before[k] for k in ("province_id", "county_id", "place")
    ]
    assert (before["service_date"], after["service_date"]) == (
        (TODAY - timedelta(days=1)).isoformat(),
        TODAY.isoformat(),
    )
    assert (before["photos"], after["photos"], after["description"]) == (1, 0, "")
    # Someone who does not lead the group cannot repeat it, even with a forged button.
    maryam = await harness.sim.user("مریم")
    await maryam.send("/start")
    await maryam.press_data(maryam.last.message_id, f"rpt:again:{first.id}")
    assert maryam.last_answer == label("not-allowed")
    assert await harness.store.state.drafts_of(maryam.id) == []


async def test_double_tap_saves_once(harness: Harness) -> None:
    reza = await to_review(harness)
    panel = reza.last
    save = label("report-save")
    data = next(b.callback_data for row in panel.keyboard for b in row if b.text == save)
    assert data is not None
    first = await reza.press_data(panel.message_id, data, wait=False)
    second = await reza.press_data(panel.message_id, data, wait=False)
    await harness.wait_for(first, second)
    assert await harness.store.reports.count() == 1
    receipt = (await harness.store.reports.recent(reza.id))[0].receipt
    said = label("report-done-already", receipt=to_persian_digits(receipt))
    assert reza.last_answer == said  # calmly, what happened


async def test_redelivered_update_makes_one_report(harness: Harness) -> None:
    reza = await to_review(harness)
    await harness.sim.add_fault("redeliver", count=1)
    sent = await reza.press(label("report-save"))
    save_update = sent.update_ids[-1]
    await eventually(harness.sim, lambda: harness.handled.count(save_update) == 2)
    assert await harness.store.reports.count() == 1
    report = (await harness.store.reports.recent(reza.id))[0]
    assert t("report-saved", receipt=to_persian_digits(report.receipt)) in reza.last.text


async def test_html_and_huge_text_are_safe(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("10")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.press(SAME_PLACE)
    await reza.send("<i>ده</i> & <script>")
    await reza.press(label("report-date-yesterday"))
    await reza.send("ا" * 4096)  # the most a Telegram message holds
    assert t("report-description-too-long", length=4096, max=500) in reza.last.text
    await reza.send("<b>bold?</b> a & b")
    await reza.press(label("report-no-photos"))
    shown = label("report-review-description", description="<b>bold?</b> a & b")
    assert shown in reza.last.text  # shown literally, not as markup
    assert "&lt;b&gt;" in reza.last.html
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    assert report.place == "<i>ده</i> & <script>"
    assert report.description == "<b>bold?</b> a & b"


async def test_non_leader_and_forged_buttons(harness: Harness) -> None:
    reza, group_id, _ = await leader_with_campaign(harness)
    maryam = await harness.sim.user("مریم")
    await maryam.send("/start")
    other_leader = await harness.sim.user("علی")
    await other_leader.send("/start")
    other_group = await harness.group(other_leader, "گروه دیگر", "تهران")
    await maryam.send("/report")
    assert maryam.last.text == label("report-only-newcomers")
    await reza.send("/report")
    panel = reza.last
    await reza.press_data(panel.message_id, f"rep:grp:{other_group}")
    assert reza.last_answer == label("not-allowed")
    await reza.press_data(panel.message_id, "rep:svc:99999")
    await reza.press_data(panel.message_id, "zz:top:1")
    assert reza.last_answer == label("stale-button")
    await reza.press_data(panel.message_id, "rep:" + "x" * 70)
    assert await harness.store.reports.count() == 0
    assert group_id != other_group


async def test_shared_location(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    await reza.press(label("report-no-campaign"))
    await reza.press("درمانی و بهداشتی")
    await reza.press("ویزیت پزشکی")
    await reza.send("40")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.press(label("report-place-location"))
    assert reza.keyboard == [[label("report-location-button")]]
    await reza.press(label("report-location-button"))  # the kit shares a location near Arak
    assert reza.keyboard is not None and [label("menu-report")] in reza.keyboard
    assert t("report-ask-village") in reza.last.text
    await reza.send("محله شهرک صنعتی")
    await reza.press(label("report-date-today", date=jalali.format_day_month(TODAY)))
    await reza.press(label("button-skip"))
    await reza.press(label("report-no-photos"))
    place = "محله شهرک صنعتی، " + label("place", county="اراک", province="مرکزی")
    assert t("report-review-place-located", place=place) in reza.last.text
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    assert report.latitude is not None and round(report.latitude, 2) == 34.1
    assert report.county_name == "اراک"


async def _to_place(reza: SimUser) -> None:
    """A report without a campaign up to «کجا انجام شد؟»."""
    await to_quantity(reza)
    await reza.send("10")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    assert reza.last.text == t("report-ask-place")


async def test_a_shared_point_files_the_report_under_its_own_county(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)  # a group of Arak, استان مرکزی
    await _to_place(reza)
    await reza.press(label("report-place-location"))
    await reza.send_location(35.7006, 51.3910)  # central Tehran
    tehran = label("place", county="تهران", province="تهران")
    assert any(m.text == t("report-location-received", place=tehran) for m in reza.messages)
    await reza.press(label("button-skip"))  # no village
    await reza.press(label("report-date-yesterday"))
    await reza.press(label("button-skip"))
    await reza.press(label("report-no-photos"))
    assert t("report-review-place-located", place=tehran) in reza.last.text
    await reza.press(label("report-save"))
    row = await harness.store.db.fetchone(
        "SELECT p.name, c.name, r.latitude FROM reports r JOIN provinces p ON p.id = r.province_id"
        " JOIN counties c ON c.id = r.county_id"
    )
    assert row is not None and tuple(row) == ("تهران", "تهران", 35.7006)


async def test_a_point_outside_iran_is_refused_and_asked_again(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await _to_place(reza)
    await reza.send_location(33.3152, 44.3661)  # Baghdad, sent without the button
    assert reza.last.text.startswith(label("report-location-outside"))
    assert reza.last.text.endswith(t("report-ask-location"))
    assert reza.keyboard == [[label("report-location-button")]]  # the button is offered again
    await reza.send_location(25.2048, 55.2708)  # Dubai, from the location question itself
    assert reza.last.text.startswith(label("report-location-outside"))
    assert reza.keyboard == [[label("report-location-button")]]
    stored = await harness.store.state.draft(reza.id, "report")
    assert stored is not None and stored.data["step"] == "location"
    assert stored.data["latitude"] is None and stored.data["county_id"] is None
    await reza.send_location(26.5333, 53.9800)  # Kish island: Iran
    assert t("report-ask-village") in reza.last.text


async def test_edit_and_delete_a_saved_report(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-save"))
    report = (await harness.store.reports.recent(reza.id))[0]
    await reza.press(label("menu-my-reports"))
    status = label("myreports-status-submitted")
    line = label(
        "myreports-line", receipt="", date="", service="", quantity=120, unit="بسته", status=status
    )
    assert line.split(" — ")[1] in reza.last.text  # «۱۲۰ بسته، ثبت‌شده»
    receipt = to_persian_digits(report.receipt)
    await reza.press(label("myreports-edit", receipt=receipt))
    # The edit names the receipt it changes and saves changes; it is not a new report.
    assert reza.last.text.startswith(t("report-review-edit-title", receipt=receipt))
    buttons = [b for row in reza.last.buttons for b in row]
    assert label("report-save-changes") in buttons and label("report-save") not in buttons
    await reza.press(label("report-edit-quantity"))
    await reza.send("150")
    await reza.press(label("report-save-changes"))
    assert t("report-updated", receipt=receipt) in reza.last.text
    edited = await harness.store.reports.get(report.id)
    assert edited is not None and edited.quantity == 150
    assert await harness.store.reports.count() == 1
    await reza.press(label("menu-my-reports"))
    await reza.press(label("myreports-delete", receipt=receipt))
    day = jalali.format_date(TODAY - timedelta(days=1))
    deleting = label(
        "myreports-delete-confirm",
        receipt=receipt,
        service="بستهٔ معیشتی",
        quantity=150,
        unit="بسته",
        date=day,
    )
    assert deleting.split("\n")[1] in reza.last.text  # what is deleted, not a number
    await reza.press(label("button-no"))  # kept: the list again, with its buttons
    assert reza.last.text.startswith(t("myreports-title"))
    assert label("myreports-delete", receipt=receipt) in reza.last.buttons[0]
    await reza.press(label("myreports-delete", receipt=receipt))
    await reza.press(label("button-yes"))
    assert reza.last.text.startswith(t("myreports-deleted", receipt=receipt))
    assert t("myreports-none-left") in reza.last.text  # and the way on
    deleted = await harness.store.reports.get(report.id)
    assert deleted is not None and deleted.status is ReportStatus.DELETED
    actions = [e.action for e in await harness.store.audit.for_entity("report", report.id)]
    assert actions == ["report.create", "report.edit", "report.delete"]
    # Another user cannot edit or delete it, even with forged buttons.
    maryam = await harness.sim.user("مریم")
    await maryam.send("/start")
    await maryam.press_data(maryam.last.message_id, f"myr:delok:{report.id}")
    assert maryam.last_answer == label("not-allowed")


async def test_old_buttons_after_saving_change_nothing(harness: Harness) -> None:
    reza = await to_review(harness)
    await reza.press(label("report-save"))
    before = await harness.store.reports.count()
    for message in reza.messages:
        for row in message.keyboard:
            for button in row:
                if button.callback_data and button.callback_data.startswith("rep:"):
                    await reza.press_data(message.message_id, button.callback_data)
                    assert reza.last_answer is not None
    await reza.press_data(reza.last.message_id, "rep:save")
    receipt = to_persian_digits((await harness.store.reports.recent(reza.id))[0].receipt)
    assert reza.last_answer == label("report-done-already", receipt=receipt)
    assert await harness.store.reports.count() == before


async def test_idle_draft_is_reminded_once_then_expires(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    await reza.press(label("report-no-campaign"))
    harness.clock.advance(minutes=31)
    assert harness.app is not None
    jobs = harness.app.job_queue.get_jobs_by_name("idle-flows")
    await jobs[0].run(harness.app)
    await jobs[0].run(harness.app)
    await harness.sim.refresh()
    name = label("flow-name-report")
    reminders = [m for m in reza.messages if m.text == t("flow-reminder", flow=name)]
    assert len(reminders) == 1
    await reza.press(label("flow-resume", flow=name))
    assert reza.last.text == t("report-ask-area")
    harness.clock.advance(hours=25)
    await jobs[0].run(harness.app)
    await harness.sim.refresh()
    assert reza.last.text == t("flow-expired-notice", flow=name)
    # The expired draft took its conversation with it: the menu button starts afresh at once.
    await reza.press(label("menu-report"))
    assert reza.last.text == t("report-ask-campaign")


async def test_button_of_an_earlier_question_changes_nothing(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await reza.send("/report")
    first_panel = reza.last
    await reza.press(label("report-no-campaign"))
    await reza.press("معیشتی")
    await reza.press("بستهٔ معیشتی")
    await reza.send("5")  # a typed answer: the next question comes in a new panel
    question = reza.last.text
    await reza.press_data(first_panel.message_id, "rep:area:1")
    assert reza.last_answer == label("stale-step")
    assert reza.last.text == question
    draft = await harness.store.state.draft(reza.id, "report")
    assert draft is not None and draft.data["quantity"] == 5


async def test_markup_typed_into_a_search_is_shown_as_text(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    await to_quantity(reza)
    await reza.send("3")
    await reza.press(label("button-skip"))
    await reza.press(label("button-skip"))
    await reza.press(label("report-place-pick"))
    await reza.send("<b>تهران</b> & co")
    assert reza.last.text.startswith(label("search-none", query="<b>تهران</b> & co"))
    await reza.send("تهران")
    await reza.send("<i>ری")
    assert label("search-none", query="<i>ری") in reza.last.text


async def test_leader_of_many_groups_pages_through_them(harness: Harness) -> None:
    reza = await harness.sim.user("رضا")
    await reza.send("/start")
    for number in range(25):
        await harness.group(reza, f"گروه شماره {number + 1}")
    await reza.send("/report")
    assert reza.last.text == t("report-ask-group")
    assert len(reza.last.buttons) == 22  # 20 groups, the page turn, Cancel
    await reza.press(label("button-next-page"))
    assert len(reza.last.buttons) == 7
    await reza.press("گروه شماره 9")
    assert reza.last.text == t("report-ask-area")
    await reza.send("/cancel")
    await reza.send("/group")
    await reza.press(label("button-next-page"))
    await reza.press("گروه شماره 9")
    assert _card_line(-1, members=1) in reza.last.text


async def _jobs_campaign(harness: Harness) -> int:
    """A running national campaign that counts only the area «اشتغال» (target 500 people)."""
    store = harness.store
    area = next(a for a in await store.categories.areas() if a.name == "اشتغال")
    campaign = await store.campaigns.create(
        "پویش اشتغال", 500, "نفر", TODAY - timedelta(days=10), TODAY + timedelta(days=50)
    )
    await store.stats.set_counted_categories(campaign, [area.id])
    return campaign


def _choices(user: SimUser) -> list[str]:
    """The buttons of the newest panel without Back and Cancel."""
    nav = {label("button-back"), label("button-keep"), label("button-cancel")}
    return [b for row in user.last.buttons for b in row if b not in nav]


async def test_a_campaign_offers_only_the_services_it_counts(harness: Harness) -> None:
    reza, _, _ = await leader_with_campaign(harness)
    campaign = await _jobs_campaign(harness)
    await reza.send("/report")
    await reza.press("پویش اشتغال")
    assert _choices(reza) == ["اشتغال"]
    only = t("report-campaign-counts-only", campaign="پویش اشتغال", several="no")
    assert only in reza.last.text
    await reza.press("اشتغال")
    counted = await harness.store.db.fetchall(
        "SELECT c.name FROM categories c JOIN campaign_categories k ON k.category_id = c.id"
        " WHERE k.campaign_id = ? AND c.active = 1 ORDER BY c.position, c.id",
        (campaign,),
    )
    assert _choices(reza) == [r[0] for r in counted]
    await reza.press(label("button-back"))
    await reza.press(label("button-back"))
    await reza.press(label("report-no-campaign"))  # any other service: without the campaign
    assert "معیشتی" in _choices(reza) and len(_choices(reza)) == len(
        await harness.store.categories.areas()
    )


async def test_a_service_its_campaign_does_not_count_is_said_plainly(harness: Harness) -> None:
    reza = await to_review(harness)  # «بستهٔ معیشتی» for «پویش ۱۱ هزار خدمت»
    campaign = await _jobs_campaign(harness)
    await reza.press(label("report-edit-campaign"))
    await reza.press("پویش اشتغال")
    line = t("report-not-counted", service="بستهٔ معیشتی", campaign="پویش اشتغال")
    assert reza.last.text.startswith(line) and _choices(reza) == ["اشتغال"]
    await reza.press(label("button-keep"))  # keeps the service anyway: the review says so
    assert line in reza.last.text and reza.last.text.startswith(t("report-review-title"))
    await reza.press(label("report-save"))
    receipt = reza.last.text
    assert line in receipt and "از ۵۰۰" not in receipt and "(۰٪)" not in receipt
    report = (await harness.store.reports.recent(reza.id))[0]
    assert report.campaign_id == campaign
    counted = await harness.store.db.scalar(
        "SELECT COALESCE(SUM(r.quantity), 0) FROM reports r WHERE r.campaign_id = ?"
        " AND r.category_id IN (SELECT category_id FROM campaign_categories WHERE campaign_id = ?)",
        (campaign, campaign),
    )
    assert counted == 0

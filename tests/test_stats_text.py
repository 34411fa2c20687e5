"""Persian text of the figures: digits, Jalali dates, the progress bar, escaping."""

from __future__ import annotations

import re
from datetime import date

from bot.core.i18n import Html
from bot.figures.wording import (
    change_text,
    period_label,
    render_overview,
    render_places,
    render_progress,
    render_ranking,
    render_search,
    render_shares,
    render_silent,
    scope_label,
)
from db.models import Campaign
from db.stats import (
    CampaignProgress,
    Figures,
    GroupHit,
    GroupLine,
    Measure,
    Overview,
    Page,
    Period,
    PeriodKind,
    PlaceHit,
    PlaceLine,
    Ranking,
    Scope,
    ScopeKind,
    ShareLine,
    SilentGroup,
    Tally,
    TypeLine,
)

TODAY = date(2026, 11, 22)  # 1 Azar 1405
CAMPAIGN = Campaign(
    1, "پویش ۱۱ هزار خدمت", 11000, "خدمت", None, date(2026, 3, 21), date(2027, 1, 19), True
)  # ends 29 Dey 1405


def _plain(text: str) -> None:
    """No Latin digits reach a reader, and only <b> tags are used."""
    assert not re.search(r"[0-9]", re.sub(r"<[^>]*>", "", text)), text
    assert set(re.findall(r"</?(\w+)", text)) <= {"b"}, text


def test_period_labels() -> None:
    assert period_label(Period.week(TODAY)) == "هفتهٔ ۳۰ آبان تا ۶ آذر ۱۴۰۵"
    assert period_label(Period.month(TODAY)) == "آذر ۱۴۰۵"
    assert period_label(Period.year(TODAY)) == "سال ۱۴۰۵"
    assert period_label(Period.typed(date(2026, 3, 18), date(2026, 3, 22))) == (
        "۲۷ اسفند ۱۴۰۴ تا ۲ فروردین ۱۴۰۵"
    )
    assert period_label(Period.of_campaign(CAMPAIGN), CAMPAIGN.title) == CAMPAIGN.title
    assert scope_label(ScopeKind.PROVINCE, "مرکزی") == "استان مرکزی"
    assert scope_label(ScopeKind.GROUPS, "<گروه>") == "&lt;گروه&gt;"


def test_change_against_the_previous_period() -> None:
    assert change_text(112, 100, PeriodKind.WEEK) == "۱۲٪ بیشتر از هفتهٔ قبل"
    assert change_text(50, 100, PeriodKind.MONTH) == "۵۰٪ کمتر از ماه قبل"
    assert change_text(7, 7, PeriodKind.YEAR) == "همانند سال قبل"
    assert change_text(7, 0, PeriodKind.WEEK) == "هفتهٔ قبل گزارشی ثبت نشده بود"
    assert change_text(0, 0, PeriodKind.WEEK) == ""
    assert change_text(5, 1, PeriodKind.CAMPAIGN) == ""
    assert change_text(50, 100, PeriodKind.MONTH, partial=True) == (
        "۵۰٪ کمتر از همین روزهای ماه قبل"
    )


def test_overview_text() -> None:
    period = Period.week(TODAY)
    overview = Overview(
        Scope.province(1),
        period,
        Tally(Figures(312, 1248, 8903, 420, 94), Figures(5, 40, 10, 3, 2)),
        Figures(300, 1114, 8000, 400, 90),
        [
            TypeLine(1, "بستهٔ معیشتی", "معیشتی", "بسته", False, 200, 640, 600),
            TypeLine(2, "ویزیت <پزشکی>", "درمانی", "نفر", True, 20, 218, 218),
        ],
        [PlaceLine(5, "اراک", 1, 200, 900, 5000), PlaceLine(6, "ساوه", 2, 0, 0, 0)],
    )
    text = render_overview(overview, "مرکزی")
    _plain(text)
    lines = text.splitlines()
    assert lines[0] == "📊 <b>استان مرکزی</b> — هفتهٔ ۳۰ آبان تا ۶ آذر ۱۴۰۵"
    # Reports, not 1,248 «services» summed across بسته and نفر; what waits on the same line; the
    # change is of the reports filed, counted and waiting: 317 against 300.
    assert lines[1] == "۳۱۲ گزارش از ۹۴ گروه، ⏳ ۵ گزارش در انتظار بررسی (۵٪ بیشتر از هفتهٔ قبل)"
    assert lines[2] == "۸٬۹۰۳ بهره‌مند، ۴۲۰ داوطلب"
    assert "• بستهٔ معیشتی — ۶۴۰ بسته" in lines
    assert "• ویزیت &lt;پزشکی&gt; (بایگانی‌شده) — ۲۱۸ نفر" in lines
    assert "۱. اراک — ۲۰۰ گزارش" in lines and not any("ساوه" in line for line in lines)
    assert "۱٬۲۴۸" not in text
    empty = Overview(Scope.group(3), period, Tally(Figures(), Figures()), Figures(), [], [])
    assert render_overview(empty, "گروه امید").splitlines()[1] == (
        "در این دوره هنوز گزارشی ثبت نشده است."
    )


def _progress(**changes: object) -> CampaignProgress:
    values: dict[str, object] = {
        "campaign": CAMPAIGN,
        "as_of": TODAY,
        "counted": 7842,
        "recent": 2520,
        "pending": 0,
        "province_count": None,
        "group_count": None,
    }
    values.update(changes)
    return CampaignProgress(**values)  # type: ignore[arg-type]


def test_campaign_progress_text() -> None:
    text = render_progress(_progress(province_count=1200, group_count=205, pending=30),
                           province_name="مرکزی", group_name="گروه امید")  # fmt: skip
    _plain(text)
    lines = text.splitlines()
    assert lines[0] == "🎯 <b>پویش ۱۱ هزار خدمت</b>: ۷٬۸۴۲ از ۱۱٬۰۰۰ خدمت (۷۱٪) ▓▓▓▓▓▓▓░░░"
    # 246 of 305 days over (today is not): an even spread did 11,000 * 246 // 305 = 8,872. At 90
    # a day the 3,158 left take 36 days, to 7 Dey; the campaign ends on 29 Dey. One sentence.
    assert lines[1] == (
        "⚠️ از برنامه عقب است (باید تا امروز ۸٬۸۷۲ خدمت انجام می‌شد)، اما با سرعت چهار هفتهٔ"
        " گذشته (روزانه حدود ۹۰ خدمت) تا ۷ دی به هدف می‌رسد."
    )
    assert lines[2] == "⏳ ۳۰ خدمت در انتظار بررسی"
    assert lines[3] == "کار استان مرکزی: ۱٬۲۰۰ خدمت (۱۵٪ از کل انجام‌شده)"
    assert lines[4] == "کار گروه شما، گروه امید: ۲۰۵ خدمت (۲٪ از کل انجام‌شده)"
    ahead = render_progress(_progress(counted=8908))
    assert ahead.splitlines()[1].startswith("✅ طبق برنامه است (باید تا امروز ۸٬۸۷۲")
    # Too slow to finish in time: no far-off date, but what each day needs (3,158 in 59 days).
    late = render_progress(_progress(recent=1000))
    assert late.splitlines()[1].endswith(
        "؛ سرعت چهار هفتهٔ گذشته (روزانه حدود ۳۶ خدمت) کمتر از روزی ۵۴ خدمت است که برای رسیدن"
        " به هدف تا ۲۹ دی لازم است."
    )
    slow = render_progress(_progress(recent=5))
    assert "(کمتر از یک خدمت در روز) کمتر از روزی ۵۴" in slow and "حدود ۰" not in slow
    stalled = render_progress(_progress(recent=0))
    assert "در چهار هفتهٔ گذشته چیزی برای این پویش ثبت نشده است و برای رسیدن به هدف تا ۲۹ دی" in (
        stalled
    )
    assert "روزی ۵۴ خدمت لازم است" in stalled
    # On schedule by the count, the pace short: both, in one sentence that says «اما».
    both = render_progress(_progress(counted=8908, recent=700)).splitlines()[1]
    assert both.startswith("✅ طبق برنامه است (") and "، اما سرعت چهار هفتهٔ گذشته" in both
    done = render_progress(_progress(counted=11500))
    assert "(۱۰۴٪) ▓▓▓▓▓▓▓▓▓▓" in done and "🎉" in done
    tiny = render_progress(_progress(counted=2, recent=2))
    assert "۲ از ۱۱٬۰۰۰ خدمت (کمتر از ۱٪)" in tiny


def test_rankings_and_places_text() -> None:
    lines = [
        GroupLine(1, "گروه امید اراک", "مرکزی", "اراک", 1, 185, 9),
        GroupLine(2, "گروه <مهر>", "سمنان", "سمنان", 2, 120, 4),
        GroupLine(3, "گروه نور", "سمنان", "شاهرود", 2, 120, 5),
    ]
    own = GroupLine(9, "گروه ما", "مرکزی", "اراک", 123, 7, 1)
    text = render_ranking(Ranking(lines, 4567, own), period_label(Period.week(TODAY)),
                          Measure.REPORTS)  # fmt: skip
    _plain(text)
    rows = text.splitlines()
    assert rows[0] == "🏆 <b>گروه‌های پیشرو — هفتهٔ ۳۰ آبان تا ۶ آذر ۱۴۰۵</b>"
    assert rows[1] == "۱. گروه امید اراک (اراک) — ۱۸۵ گزارش"
    assert rows[2] == "۲. گروه &lt;مهر&gt; (سمنان) — ۱۲۰ گزارش"
    assert rows[3].startswith("۲. گروه نور")
    assert rows[-1] == "گروه شما، گروه ما: رتبهٔ ۱۲۳ از ۴٬۵۶۷ — ۷ گزارش"
    campaign = render_ranking(Ranking(lines, 3, None), Html("پویش"), Measure.SERVICES, unit="بسته")
    assert "۱. گروه امید اراک (اراک) — ۱۸۵ بسته" in campaign
    none = GroupLine(9, "گروه ما", "مرکزی", "اراک", None, 0, 0)
    text = render_ranking(
        Ranking(lines, 3, none), period_label(Period.month(TODAY)), Measure.BENEFICIARIES
    )
    assert text.splitlines()[-1] == "گروه شما، گروه ما، در این دوره هنوز خدمتی ثبت نکرده است."
    assert "بهره‌مند" in text
    assert "هنوز خدمتی شمرده نشده" in render_ranking(Ranking([], 0, None), period_label(
        Period.week(TODAY)), Measure.REPORTS)  # fmt: skip
    places = [
        PlaceLine(1, "مرکزی", 1, 40, 900, 3000),
        PlaceLine(3, "سمنان", 2, 5, 20, 0),  # nobody counted the people served
        PlaceLine(2, "قم", 3, 0, 0, 0),
    ]
    text = render_places(places, period_label(Period.month(TODAY)), Measure.BENEFICIARIES)
    assert text.splitlines() == [
        "🏆 <b>استان‌های پیشرو — آذر ۱۴۰۵</b>",
        "۱. مرکزی — ۳٬۰۰۰ بهره‌مند",
        "۲. سمنان — بهره‌مندان نامشخص",
    ]
    counties = render_places(places, period_label(Period.month(TODAY)), Measure.REPORTS,
                             counties=True)  # fmt: skip
    assert counties.startswith("🏆 <b>شهرستان‌های پیشرو")


def test_shares_silent_and_search_text() -> None:
    shares = render_shares(
        [ShareLine(1, "قم", 1000, 250, 400), ShareLine(2, "مرکزی", 2000, 1500, 800)]
    )
    _plain(shares)
    assert shares.splitlines()[1:] == [
        "۱ استان از ۲ از برنامه عقب‌اند.",
        "⚠️ قم: ۲۵۰ از ۱٬۰۰۰ (۲۵٪)؛ باید تا امروز ۴۰۰",
        "✅ مرکزی: ۱٬۵۰۰ از ۲٬۰۰۰ (۷۵٪)؛ باید تا امروز ۸۰۰",
    ]
    assert render_shares([]) == ""
    page = Page(
        [
            SilentGroup(1, "گروه تازه", "اراک", None),
            SilentGroup(2, "گروه مهر", "ساوه", date(2026, 9, 1)),
        ],
        12,
        0,
        2,
    )
    silent = render_silent(page, 4)
    _plain(silent)
    assert silent.splitlines() == [
        "<b>گروه‌های بی‌گزارش در ۴ هفتهٔ اخیر: ۱۲</b>",
        "• گروه تازه (اراک) — هنوز گزارشی نداده است",
        "• گروه مهر (ساوه) — آخرین خدمت: ۱۰ شهریور ۱۴۰۵",
    ]
    assert "👏" in render_silent(Page([], 0, 0, 20), 4)
    groups = Page(
        [
            GroupHit(1, "گروه علی‌کریمی", "مرکزی", "اراک", True),
            GroupHit(2, "گروه علی کرمی", "قم", "قم", False),
        ],
        2,
        0,
        10,
    )
    hits = [
        PlaceHit(3, None, "مرکزی", "مرکزی", Figures(10, 1500, 0, 0, 3)),
        PlaceHit(3, 7, "اراک", "مرکزی", Figures(4, 600, 0, 0, 1)),
    ]
    places = Page(hits, 2, 0, 10)
    found = render_search("علي <كريمي>", groups, places)
    _plain(found)
    assert found.splitlines() == [
        "🔎 «علي &lt;كريمي&gt;»: ۲ گروه، ۲ محل",
        "• گروه علی‌کریمی — اراک، مرکزی",
        "• گروه علی کرمی — قم، قم (نام نزدیک)",
        "• استان مرکزی — این ماه: ۱۰ گزارش",
        "• شهرستان اراک، مرکزی — این ماه: ۴ گزارش",
    ]
    assert render_search("شفا", groups, Page([], 0, 0, 10)).splitlines()[0] == "🔎 «شفا»: ۲ گروه"
    assert render_search("اراک", Page([], 0, 0, 10), places).splitlines()[0] == "🔎 «اراک»: ۲ محل"
    none = render_search("xyz", Page([], 0, 0, 10), Page([], 0, 0, 10))
    assert none.startswith("گروه یا محلی با نام «xyz» پیدا نشد")

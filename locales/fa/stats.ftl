## Figures for /stats, /campaign, /top and /find, rendered by bot/figures/wording.py (HTML).
## Numbers arrive already in Persian digits; names arrive escaped.

# Periods: «هفتهٔ ۲۳ تا ۲۹ آبان ۱۴۰۵», «آبان ۱۴۰۵», «سال ۱۴۰۵», a campaign's title, a typed range.
stats-period-week = هفتهٔ { $range }
stats-period-month = { $month } { $year }
stats-period-year = سال { $year }
stats-period-campaign = { $title }
stats-period-range = { $range }

# Whose figures: a group's name as it is, or one of these.
stats-scope-national = سراسر کشور
stats-scope-province = استان { $name }
stats-scope-county = شهرستان { $name }

# «📊 استان مرکزی — آبان ۱۴۰۵»
stats-heading = 📊 <b>{ $scope }</b> — { $period }
# Totals across service types count reports: quantities of unlike units are never added up
# (299 پرس + 49 بسته is not «۳۴۸ خدمت»); they are listed by type below, each in its unit.
stats-totals = { $reports } گزارش از { $groups } گروه
stats-totals-groups = { $reports } گزارش
# The one separator between figures side by side (bot/figures/wording.py join_figures): «۵۱ گزارش
# (۲۹۹ پرس، ۴۹ بسته)، ۴۵۰ بهره‌مند». Not «·», which reads as a Persian zero beside digits.
stats-join = {"، "}
# A count of reports with its quantities per unit (the group card, the receipt).
stats-figures = { $reports } گزارش ({ $units })
stats-figures-none = هنوز گزارشی ثبت نشده است
stats-unit-amount = { $quantity } { $unit }
# More units than a line names (never just one more: it is named instead).
stats-units-more = { $units } و { $count } مورد دیگر
# What a campaign counts in when it has no unit of its own.
stats-unit-default = خدمت
# A share under one percent that is not nothing.
stats-percent-under-one = کمتر از ۱٪
# Only the count that was given (a skipped question is not shown as zero).
stats-people-beneficiaries = { $beneficiaries } بهره‌مند
stats-people-volunteers = { $volunteers } داوطلب
# The change against the previous period of the same kind.
stats-change-up = { $percent } بیشتر از { $previous }
stats-change-down = { $percent } کمتر از { $previous }
stats-change-same = همانند { $previous }
stats-change-new = { $previous } گزارشی ثبت نشده بود
stats-previous-week = هفتهٔ قبل
stats-previous-month = ماه قبل
stats-previous-year = سال قبل
stats-previous-range = دورهٔ هم‌اندازهٔ قبل
# While the period is running: the same first days of the one before.
stats-previous-week-part = همین روزهای هفتهٔ قبل
stats-previous-month-part = همین روزهای ماه قبل
stats-previous-year-part = همین مدت در سال قبل
stats-previous-range-part = همین مدت در دورهٔ قبل
# What a count leaves out while it waits for review, said this one way on every surface that
# counts only approved reports: «⏳ ۲ گزارش در انتظار بررسی», a campaign's «⏳ ۱۲۰ خدمت …».
stats-waiting = ⏳ { $amount } در انتظار بررسی
stats-empty = در این دوره هنوز گزارشی ثبت نشده است.
stats-by-type-title = <b>به تفکیک خدمت:</b>
stats-type-line = • { $name } — { $services } { $unit }
stats-type-retired = { $name } (بایگانی‌شده)
stats-by-province-title = <b>به تفکیک استان:</b>
stats-by-county-title = <b>به تفکیک شهرستان:</b>
stats-place-line = { $rank }. { $name } — { $reports } گزارش
stats-more = … و { $count } مورد دیگر

# A campaign: «🎯 پویش ۱۱ هزار خدمت: ۷٬۸۴۲ از ۱۱٬۰۰۰ خدمت (۷۱٪) ▓▓▓▓▓▓▓░░░». A campaign counts
# in its own unit, as its target does. The same lines serve /campaign, the receipt and the digest.
stats-campaign-progress = 🎯 <b>{ $title }</b>: { $count } از { $target } { $unit } ({ $percent }) { $bar }
# A campaign's one verdict, one sentence (the rules: bot/figures/wording.py): on schedule or behind by
# the count, then where the pace leads; «اما» when the two point different ways.
# «✅ طبق برنامه است (باید تا امروز ۵٬۵۴۵ خدمت انجام می‌شد)، اما سرعت چهار هفتهٔ گذشته (روزانه
# حدود ۸۵ خدمت) کمتر از روزی ۸۸ خدمت است که برای رسیدن به هدف تا ۱۵ بهمن لازم است.»
stats-verdict-and = { $schedule }؛ { $outlook }.
stats-verdict-but = { $schedule }، اما { $outlook }.
stats-verdict-alone = { $schedule }.
# Expected by today: what an even spread of the target has done on the days already over.
stats-schedule-on = ✅ طبق برنامه است (باید تا { $when } { $expected } { $unit } انجام می‌شد)
stats-schedule-behind = ⚠️ از برنامه عقب است (باید تا { $when } { $expected } { $unit } انجام می‌شد)
stats-when-today = امروز
# The pace: the last four weeks, or the campaign's days so far while it is younger.
stats-pace-weeks = چهار هفتهٔ گذشته
stats-pace-days = { $days } روز گذشته
stats-pace-daily = روزانه حدود { $daily } { $unit }
stats-pace-slow = کمتر از یک { $unit } در روز
# Where the pace leads: a date only when it is before the end; else what each day needs.
stats-outlook-by = با سرعت { $span } ({ $pace }) تا { $date } به هدف می‌رسد
stats-outlook-at-end = با سرعت { $span } ({ $pace }) تا پایان پویش ({ $end }) به هدف می‌رسد
stats-outlook-short = سرعت { $span } ({ $pace }) کمتر از روزی { $need } { $unit } است که برای رسیدن به هدف تا { $end } لازم است
stats-outlook-none = در { $span } چیزی برای این پویش ثبت نشده است و برای رسیدن به هدف تا { $end } روزی { $need } { $unit } لازم است
# A campaign is not judged on its first day: nothing was due yet.
stats-campaign-first-day = 🆕 این پویش امروز آغاز شده است؛ برای رسیدن به هدف تا { $end } روزی { $need } { $unit } لازم است.
stats-campaign-ended = این پویش { $end } به پایان رسید.
stats-campaign-reached = 🎉 پویش به هدفش رسیده است. دست مریزاد!
# What a province or group has done, as a part of everything done so far.
stats-campaign-province-share = کار استان { $name }: { $count } { $unit } ({ $percent } از کل انجام‌شده)
stats-campaign-group-share = کار گروه شما، { $name }: { $count } { $unit } ({ $percent } از کل انجام‌شده)
# Each province against its own share of the target, the furthest behind first, with what
# should be done by today if its share were spread evenly over the campaign's days.
stats-shares-title = <b>پیشرفت استان‌ها نسبت به سهمشان از هدف:</b>
stats-shares-behind = { $behind } استان از { $total } از برنامه عقب‌اند.
stats-shares-on = همهٔ { $total } استان طبق برنامه‌اند.
stats-share-line = { $mark } { $name }: { $count } از { $target } ({ $percent })؛ باید تا امروز { $expected }
stats-mark-on = ✅
stats-mark-behind = ⚠️
# A coordinator's province and its share of a campaign.
stats-share-province = 🎯 سهم استان { $name } از «{ $title }»: { $count } از { $target } { $unit } ({ $percent })

# Leaderboards rank groups and places, never persons.
stats-top-groups-title = 🏆 <b>گروه‌های پیشرو — { $period }</b>
stats-top-provinces-title = 🏆 <b>استان‌های پیشرو — { $period }</b>
stats-top-counties-title = 🏆 <b>شهرستان‌های پیشرو — { $period }</b>
stats-measure-reports = گزارش
stats-measure-services = خدمت
stats-measure-beneficiaries = بهره‌مند
stats-amount = { $value } { $measure }
# People served that nobody counted (the question was skipped) are unknown, not zero.
stats-beneficiaries-unknown = بهره‌مندان نامشخص
stats-top-line = { $rank }. { $name } ({ $place }) — { $amount }
stats-top-place-line = { $rank }. { $name } — { $amount }
stats-top-own = گروه شما، { $name }: رتبهٔ { $rank } از { $total } — { $amount }
stats-top-own-none = گروه شما، { $name }، در این دوره هنوز خدمتی ثبت نکرده است.
# The asker's group has reports waiting for review: «گروه شما، گروه امید: ⏳ ۲ گزارش در انتظار بررسی»
stats-top-own-waiting = گروه شما، { $name }: { $waiting }
# Nothing counts yet («شمرده»: with review on, reports may be waiting, and are said apart).
stats-top-empty = در این دوره هنوز خدمتی شمرده نشده است.

# Groups with no report for some weeks (a coordinator's view).
stats-silent-title = <b>گروه‌های بی‌گزارش در { $weeks } هفتهٔ اخیر: { $count }</b>
stats-silent-line = • { $name } ({ $county }) — آخرین خدمت: { $date }
stats-silent-never = • { $name } ({ $county }) — هنوز گزارشی نداده است
stats-silent-none = همهٔ گروه‌ها در { $weeks } هفتهٔ اخیر گزارش داده‌اند. 👏

# /find: «🔎 «علی کریمی»: ۲ گروه، ۰ محل»
stats-find-title = 🔎 «{ $query }»: { $groups } گروه، { $places } محل
stats-find-title-groups = 🔎 «{ $query }»: { $groups } گروه
stats-find-title-places = 🔎 «{ $query }»: { $places } محل
stats-find-group = • { $name } — { $county }، { $province }
stats-find-group-typo = • { $name } — { $county }، { $province } (نام نزدیک)
# A place's figures are this month's.
stats-find-province = • استان { $name } — این ماه: { $reports } گزارش
stats-find-county = • شهرستان { $name }، { $province } — این ماه: { $reports } گزارش
stats-find-province-none = • استان { $name } — این ماه هنوز گزارشی ثبت نشده است
stats-find-county-none = • شهرستان { $name }، { $province } — این ماه هنوز گزارشی ثبت نشده است
stats-find-none = گروه یا محلی با نام «{ $query }» پیدا نشد. نام را کوتاه‌تر یا به شکل دیگری بنویسید.

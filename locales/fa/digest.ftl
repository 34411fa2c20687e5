## The weekly digest posted to channels (bot/digest/render.py) and its chart (bot/digest/chart.py).
## Text messages are HTML; $-arguments are escaped by the code, numbers get Persian digits.

# The first line; $week is a Jalali range such as «۲۳ تا ۲۹ آبان ۱۴۰۵».
digest-title-national = 📊 <b>گزارش هفتگی خدمات داوطلبانه</b> — هفتهٔ { $week }
digest-title-province = 📊 <b>گزارش هفتگی خدمات داوطلبانهٔ استان { $province }</b> — هفتهٔ { $week }
digest-title-campaign = 📊 <b>گزارش هفتگی { $campaign }</b> — هفتهٔ { $week }

# The week's totals: reports and groups (quantities of unlike units are never added up; the
# service types below give each in its unit); beneficiaries when anyone counted them and what
# waits for review follow, joined as every figure is (stats-join, stats-waiting).
digest-totals = <b>{ $reports }</b> گزارش خدمت از { $groups } گروه
# Change of the week's reports (counted and waiting) against the week before; $percent is a whole
# number.
digest-change-up = ({ $percent }٪ بیشتر از هفتهٔ قبل)
digest-change-down = ({ $percent }٪ کمتر از هفتهٔ قبل)
digest-change-same = (به اندازهٔ هفتهٔ قبل)
digest-change-new = (هفتهٔ قبل گزارشی ثبت نشده بود)
# A week with no report at all.
digest-empty = این هفته گزارش خدمتی ثبت نشد.
digest-empty-previous = هفتهٔ قبل { $reports } گزارش ثبت شده بود.

digest-services-title = <b>خدمات این هفته:</b>
# «• بستهٔ معیشتی — ۶۴۰ بسته»
digest-service-line = • { $name } — { $quantity } { $unit }
digest-service-line-no-unit = • { $name } — { $quantity }
# After the largest service types, when there are more: «• و ۱۳ نوع خدمت دیگر در ۲۰ گزارش»
digest-services-more = • و { $count } نوع خدمت دیگر در { $reports } گزارش

digest-groups-title = <b>گروه‌های پیشرو:</b>
digest-provinces-title = <b>استان‌های پیشرو:</b>
digest-counties-title = <b>شهرستان‌های پیشرو:</b>
# «۱. گروه امید اراک — ۱۸ گزارش»; equal counts share a rank, as on /top.
digest-rank-line = { $rank }. { $name } — { $reports } گزارش
# Groups with the longest runs of weeks with a report, up to this week.
digest-streaks-title = <b>🔥 پیوسته‌ترین گروه‌ها:</b>
digest-streak-line = { $rank }. { $name } — { $weeks } هفتهٔ پیاپی

# A campaign at the week's end: its bar and verdict are stats.ftl's lines (the same as /campaign
# and the receipt), and in a province's digest its own share's line; this week's count, and
# when "expected by" is taken.
digest-campaign-week = این هفته { $week } { $unit }.
digest-campaign-week-none = این هفته چیزی برای این پویش ثبت نشد.
digest-when-week-end = پایان این هفته

# Posted after the bot was down at the scheduled time.
digest-late = ⏱ این گزارش با کمی تأخیر منتشر شد.
digest-thanks = از همهٔ داوطلبان سپاسگزاریم 🌱
digest-thanks-empty = منتظر خبرهای خوب هفتهٔ آینده هستیم 🌱

## The chart (plain text, drawn by matplotlib).

chart-title = خدمات داوطلبانه — هفتهٔ { $week }
chart-scope-national = سراسر کشور
chart-scope-province = استان { $province }
# $scope: «سراسر کشور», «استان مرکزی» or a campaign's title. Bars count reports.
chart-subtitle = { $scope }، { $reports } گزارش از { $groups } گروه
chart-by-day = گزارش‌های هر روز
chart-by-area = گزارش‌ها به تفکیک حوزه
# The last bar when there are more service areas than fit.
chart-other-areas = سایر حوزه‌ها
chart-empty = این هفته گزارش خدمتی ثبت نشد
# Under a day's bar: «شنبه» and «۲۳ آبان» on two lines.
chart-day = { $weekday }
    { $date }

## The province map (plain text, drawn by matplotlib; bot/maps/render.py).

# $campaign: the campaign's title.
map-title-shares = پیشرفت استان‌ها در «{ $campaign }»
map-subtitle-shares = درصد انجام‌شده از سهم هر استان، تا { $date }
map-title-campaign-per-group = خدمات هر گروه در «{ $campaign }»
map-subtitle-campaign = خدمات پویش استان ÷ گروه‌های فعال آن، تا { $date }
map-title-week-per-group = گزارش‌های هر گروه در استان‌ها
map-subtitle-week = هفتهٔ { $week }: گزارش‌های استان ÷ گروه‌های فعال آن
# On a province: its part of its share.
map-percent = { $percent }٪
# Legend classes; $unit is «٪» or nothing.
map-legend-below = کمتر از { $value }{ $unit }
map-legend-range = { $low } تا { $high }{ $unit }
map-legend-above = { $value } و بیشتر
map-legend-reached = سهم کامل شد
map-legend-no-share = بدون سهم
map-legend-no-group = بدون گروه
map-note-shares = رنگ هر استان: خدمات شمرده‌شده ÷ سهم آن از هدف پویش · مرز استان‌ها: Natural Earth
map-note-per-group = رنگ هر استان: خدمات آن ÷ گروه‌های فعالش (سهم استان‌ها تعیین نشده است) · مرز استان‌ها: Natural Earth
map-note-week-per-group = رنگ هر استان: گزارش‌های آن ÷ گروه‌های فعالش · مرز استان‌ها: Natural Earth

## `khedmatyar digest preview` (plain text).

cli-digest-help = گزارش هفتگی کانال‌ها
cli-digest-preview-help = نوشتن متن و نمودار گزارش یک هفته در پوشه‌ای، بدون تلگرام
cli-digest-week-help = روزی از هفته به تاریخ شمسی، مثلاً 1405/08/24 (پیش‌فرض: آخرین هفتهٔ تمام‌شده)
cli-digest-scope-help = دامنهٔ گزارش: national یا province:<نام استان> یا campaign:<شناسهٔ پویش> (پیش‌فرض national)
cli-digest-out-help = پوشه‌ای که digest.html و digest.txt و chart.png (و برای گزارش سراسری map.png) در آن نوشته می‌شوند
cli-digest-db-help = پایگاه‌داده‌ای که گزارش از آن ساخته می‌شود (پیش‌فرض: همانی که در تنظیمات آمده است)
cli-digest-no-province = استانی به نام «{$name}» پیدا نشد.
cli-digest-no-campaign = پویشی با شناسهٔ {$id} پیدا نشد.
cli-digest-bad-scope = دامنهٔ «{$scope}» را نمی‌شناسم؛ یکی از این‌ها را بدهید: national یا province:مرکزی یا campaign:1
# $messages: how many Telegram messages the digest takes.
cli-digest-written = گزارش در {$path} نوشته شد ({$messages} پیام، با نمودار).
digest-channel-paused = ⚠️ گزارش هفتگی به { NAMED("کانال", $channel) } فرستاده نشد و ارسال به آن متوقف شد: {$why}. اگر ربات دوباره مدیر کانال شد، کانال را دوباره اضافه کنید.
flow-name-channel = افزودن کانال
admin-channels = 📢 کانال‌های گزارش هفتگی
channel-ask = کدام کانال؟ دکمهٔ «📢 انتخاب کانال» را در پایین صفحه بزنید؛ ربات با اجازهٔ انتشار پست به کانال افزوده می‌شود. یا یک پست از کانال را اینجا هدایت (فوروارد) کنید، یا نام کاربری‌اش (مثلاً @khedmat_news) یا شناسهٔ عددی‌اش را بفرستید.
channel-picker-button = 📢 انتخاب کانال
channel-picker-keyboard = فهرست کانال‌هایتان با دکمهٔ پایین صفحه باز می‌شود.
channel-picked = { NAMED("کانال", $channel) } انتخاب شد.
channel-ask-hint = یک پست از کانال را هدایت کنید، یا @نام‌کاربری یا شناسهٔ عددی کانال را بفرستید.
channel-not-found = کانالی با این نشانی پیدا نشد؛ اگر کانال خصوصی است، یک پست از آن را هدایت کنید.
channel-bot-not-admin = ربات در این کانال مدیر نیست یا اجازهٔ ارسال پست ندارد. اول ربات را مدیر کانال کنید و دوباره بفرستید.
channel-ask-scope = { NAMED("کانال", $channel) } گزارش کدام دامنه را بگیرد؟
channel-scope-national = سراسر کشور
channel-scope-campaign = 🎯 {$title}
channel-added = ✅ { NAMED("کانال", $channel) } اضافه شد و گزارش هفتگی را در موعدش می‌گیرد.
channel-list = کانال‌های گزارش هفتگی ({$count}):
channel-list-line = • {$channel}: {$scope}؛ {$when} ({$state})
channel-list-empty = هنوز کانالی اضافه نشده است.
channel-list-back = ↩️ فهرست کانال‌ها
channel-add = ➕ کانال تازه
channel-card =
    📢 <b>{$channel}</b>
    دامنه: {$scope}
    زمان انتشار: {$when}
    وضعیت: {$state}
channel-active = فعال
channel-paused = متوقف
channel-pause = ⏸ توقف ارسال
channel-resume = ▶️ ادامهٔ ارسال
channel-remove = 🗑 برداشتن
channel-remove-confirm = { NAMED("کانال", $channel) } برداشته شود؟ گزارش هفتگی دیگر به آن فرستاده نمی‌شود.
digest-post-now = 📢 انتشار همین حالا در کانال‌ها
# Under a previewed national digest, whose chart and map came as an album (which takes no
# buttons); the button posts to every channel, each its own scope's digest.
digest-preview-post = کانال‌های سراسری همین گزارش را با همین نمودار و نقشه می‌گیرند؛ کانال هر استان یا پویش، گزارش و نمودار همان استان یا پویش را (بی‌نقشه).
digest-posted-now = ✅ گزارش هفتهٔ {$week} به {$count} کانال فرستاده شد.
digest-posted-had = این گزارش (یا گزارشی تازه‌تر) را {$count} کانال از پیش داشتند و دوباره فرستاده نشد.
digest-posted-failed = ⚠️ به {$count} کانال نرسید؛ اگر ربات از مدیری کانالی کنار گذاشته شده باشد، پیامش جدا آمده است.
digest-posted-no-channels = هنوز کانالی برای گزارش هفتگی اضافه نشده است؛ از فهرست کانال‌ها یکی اضافه کنید.
flow-name-channel-schedule = زمان انتشار کانال
channel-schedule = ⏰ روز و ساعت انتشار
channel-schedule-default = زمان پیش‌فرض: {$when}
channel-when = {$day}‌ها، ساعت {$time}
channel-when-default = {$when} (زمان پیش‌فرض)
channel-ask-day = گزارش هفتگی این کانال چه روزی منتشر شود؟
channel-ask-time = چه ساعتی (به وقت تهران)؟ یکی را بزنید یا بنویسید؛ مثلاً ۲۰:۳۰.
channel-time-hint = ساعت را به شکل ۲۰:۳۰ بنویسید یا یکی از دکمه‌ها را بزنید.
channel-schedule-saved =
    ✅ از این پس گزارش هفتگی «{$channel}» {$when} منتشر می‌شود.
    {$next}
channel-next-at = گزارش بعدی: {$date}، ساعت {$time}.
channel-next-now = گزارش این هفته تا چند دقیقهٔ دیگر منتشر می‌شود.
channel-gone = این کانال دیگر در فهرست نیست.
digest-preview-usage = {$why} مثال: /digest province:مرکزی ۱۴۰۵/۰۸/۲۴

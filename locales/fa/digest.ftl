## The weekly digest posted to channels (bot/digest.py) and its chart (bot/chart.py).
## Text messages are HTML; $-arguments are escaped by the code, numbers get Persian digits.

# The first line; $week is a Jalali range such as «۲۳ تا ۲۹ آبان ۱۴۰۵».
digest-title-national = 📊 <b>گزارش هفتگی خدمات داوطلبانه</b> — هفتهٔ { $week }
digest-title-province = 📊 <b>گزارش هفتگی خدمات داوطلبانهٔ استان { $province }</b> — هفتهٔ { $week }
digest-title-campaign = 📊 <b>گزارش هفتگی { $campaign }</b> — هفتهٔ { $week }

# The week's totals: services (summed quantities), reports, groups; beneficiaries when any.
digest-totals = <b>{ $services }</b> خدمت در { $reports } گزارش از { $groups } گروه
digest-totals-beneficiaries = { $totals } · { $beneficiaries } بهره‌مند
# Change of the week's services against the week before; $percent is a whole number.
digest-change-up = ({ $percent }٪ بیشتر از هفتهٔ قبل)
digest-change-down = ({ $percent }٪ کمتر از هفتهٔ قبل)
digest-change-same = (به اندازهٔ هفتهٔ قبل)
digest-change-new = (هفتهٔ قبل خدمتی ثبت نشده بود)
# A week with no report at all.
digest-empty = این هفته گزارش خدمتی ثبت نشد.
digest-empty-previous = هفتهٔ قبل { $services } خدمت ثبت شده بود.

digest-services-title = <b>خدمات این هفته:</b>
# «• بستهٔ معیشتی — ۶۴۰ بسته»
digest-service-line = • { $name } — { $quantity } { $unit }
digest-service-line-no-unit = • { $name } — { $quantity }
# After the largest service types, when there are more: «• و ۱۳ نوع خدمت دیگر — ۱۰۳»
digest-services-more = • و { $count } نوع خدمت دیگر — { $quantity }

digest-groups-title = <b>گروه‌های پیشرو:</b>
digest-provinces-title = <b>استان‌های پیشرو:</b>
digest-counties-title = <b>شهرستان‌های پیشرو:</b>
# «۱. گروه امید اراک — ۱۸۵ خدمت»
digest-rank-line = { $rank }. { $name } — { $quantity } خدمت

# A campaign's progress: «🎯 پویش ۱۱ هزار خدمت: ۷٬۸۴۲ از ۱۱٬۰۰۰ (۷۱٪) ▓▓▓▓▓▓▓░░░»
digest-campaign = 🎯 <b>{ $title }</b>: { $done } از { $target } { $unit } ({ $percent }) { $bar }
digest-campaign-week = این هفته { $week } { $unit } · میانگین هفته‌ای { $pace }
digest-campaign-reached = 🎉 به هدف رسیده است؛ دست همه درد نکند!
digest-campaign-on-track = با این سرعت { $date } به هدف می‌رسد؛ پایان پویش { $end } است.
# The pace is too slow to reach the target before the end; $need: needed per week from now.
digest-campaign-behind = برای رسیدن به هدف تا { $end }، هفته‌ای { $need } { $unit } لازم است.
digest-campaign-ended = این پویش { $end } به پایان رسید.
digest-campaign-no-pace = هنوز خدمتی برای این پویش ثبت نشده است.

# What a campaign counts when its unit is left empty.
digest-unit-default = خدمت

# Posted after the bot was down at the scheduled time.
digest-late = ⏱ این گزارش با کمی تأخیر منتشر شد.
digest-thanks = از همهٔ داوطلبان سپاسگزاریم 🌱
digest-thanks-empty = منتظر خبرهای خوب هفتهٔ آینده هستیم 🌱

## The chart (plain text, drawn by matplotlib).

chart-title = خدمات داوطلبانه — هفتهٔ { $week }
chart-scope-national = سراسر کشور
chart-scope-province = استان { $province }
# $scope: «سراسر کشور», «استان مرکزی» or a campaign's title.
chart-subtitle = { $scope }، { $services } خدمت در { $reports } گزارش
chart-by-day = خدمات هر روز
chart-by-area = خدمات به تفکیک حوزه
# The last bar when there are more service areas than fit.
chart-other-areas = سایر حوزه‌ها
chart-empty = این هفته گزارش خدمتی ثبت نشد
# Under a day's bar: «شنبه» and «۲۳ آبان» on two lines.
chart-day = { $weekday }
    { $date }

## `khedmatyar digest preview` (plain text).

cli-digest-help = گزارش هفتگی کانال‌ها
cli-digest-preview-help = نوشتن متن و نمودار گزارش یک هفته در پوشه‌ای، بدون تلگرام
cli-digest-week-help = روزی از هفته به تاریخ شمسی، مثلاً 1405/08/24 (پیش‌فرض: آخرین هفتهٔ تمام‌شده)
cli-digest-scope-help = دامنهٔ گزارش: national یا province:<نام استان> یا campaign:<شناسهٔ پویش> (پیش‌فرض national)
cli-digest-out-help = پوشه‌ای که digest.html و digest.txt و chart.png در آن نوشته می‌شوند
cli-digest-db-help = پایگاه‌داده‌ای که گزارش از آن ساخته می‌شود (پیش‌فرض: همانی که در تنظیمات آمده است)
cli-digest-no-province = استانی به نام «{$name}» پیدا نشد.
cli-digest-no-campaign = پویشی با شناسهٔ {$id} پیدا نشد.
cli-digest-bad-scope = دامنهٔ «{$scope}» را نمی‌شناسم؛ یکی از این‌ها را بدهید: national یا province:مرکزی یا campaign:1
# $messages: how many Telegram messages the digest takes.
cli-digest-written = گزارش در {$path} نوشته شد ({$messages} پیام، با نمودار).
digest-channel-paused = ⚠️ گزارش هفتگی به کانال «{$channel}» فرستاده نشد و ارسال به آن متوقف شد: {$why}. اگر بات دوباره مدیر کانال شد، کانال را دوباره اضافه کنید.
flow-name-channel = افزودن کانال
admin-channels = 📢 کانال‌های گزارش هفتگی
channel-ask = کانال را معرفی کنید: یک پست از آن را اینجا هدایت (فوروارد) کنید، یا نام کاربری‌اش (مثل @khedmat_news) یا شناسهٔ عددی‌اش را بفرستید. بات باید در کانال مدیر و مجاز به ارسال پست باشد.
channel-ask-hint = یک پست از کانال را هدایت کنید، یا @نام‌کاربری یا شناسهٔ عددی کانال را بفرستید.
channel-not-found = کانالی با این نشانی پیدا نشد؛ اگر کانال خصوصی است، یک پست از آن را هدایت کنید.
channel-bot-not-admin = بات در این کانال مدیر نیست یا اجازهٔ ارسال پست ندارد. ابتدا بات را مدیر کانال کنید و دوباره بفرستید.
channel-ask-scope = کانال «{$channel}» گزارش کدام دامنه را بگیرد؟
channel-scope-national = سراسر کشور
channel-scope-campaign = 🎯 {$title}
channel-added = ✅ کانال «{$channel}» اضافه شد و گزارش هفتگی را در موعدش می‌گیرد.
channel-list = کانال‌های گزارش هفتگی ({$count}):
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
channel-remove-confirm = کانال «{$channel}» برداشته شود؟ گزارش هفتگی دیگر به آن فرستاده نمی‌شود.
digest-post-now = 📢 انتشار همین حالا در کانال‌ها
digest-posted-now = ✅ گزارش هفتهٔ {$week} به {$count} کانال فرستاده شد.
digest-posted-had = این گزارش (یا گزارشی تازه‌تر) را {$count} کانال از پیش داشتند و دوباره فرستاده نشد.
digest-posted-failed = ⚠️ به {$count} کانال نرسید؛ اگر بات از مدیری کانالی کنار گذاشته شده باشد، پیامش جدا آمده است.
digest-posted-no-channels = هنوز کانالی برای گزارش هفتگی اضافه نشده است؛ از فهرست کانال‌ها یکی اضافه کنید.
flow-name-channel-schedule = زمان انتشار کانال
channel-schedule = ⏰ روز و ساعت انتشار
channel-schedule-default = زمان پیش‌فرض: {$when}
channel-when = {$day}‌ها، ساعت {$time}
channel-when-default = {$when} (زمان پیش‌فرض)
channel-ask-day = گزارش هفتگی این کانال چه روزی منتشر شود؟
channel-ask-time = چه ساعتی (به وقت تهران)؟ یکی را بزنید یا بنویسید، مثل ۲۰:۳۰.
channel-time-hint = ساعت را مثل ۲۰:۳۰ بنویسید یا یکی از دکمه‌ها را بزنید.
channel-schedule-saved =
    ✅ از این پس گزارش هفتگی «{$channel}» {$when} منتشر می‌شود.
    {$next}
channel-next-at = گزارش بعدی: {$date}، ساعت {$time}.
channel-next-now = گزارش این هفته تا چند دقیقهٔ دیگر منتشر می‌شود.
channel-gone = این کانال دیگر در فهرست نیست.
digest-preview-usage = {$why} مثال: /digest province:مرکزی ۱۴۰۵/۰۸/۲۴

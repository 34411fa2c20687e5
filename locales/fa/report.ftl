## The service report conversation (/report, «📝 ثبت گزارش خدمت»).

# /report from someone who may not report: a member, an admin or coordinator, a newcomer.
report-only-leaders = ثبت گزارش خدمت کار سرگروه‌هاست. اگر گروهتان خدمتی انجام داده، به سرگروه خبر دهید تا آن را ثبت کند.
report-only-overseers = ثبت گزارش خدمت کار سرگروه‌هاست و شما سرگروه گروهی نیستید. گزارش‌های گروه‌ها را در «📊 آمار» و «📤 خروجی» می‌بینید.
report-only-newcomers = ثبت گزارش خدمت کار سرگروه‌هاست. اگر سرگروه هستید، اول گروهتان را بسازید (/newgroup)؛ اگر عضو گروهی هستید، با کد دعوت به آن بپیوندید (/join).
report-ask-group = گزارش برای کدام گروه است؟
report-ask-campaign = گزارش برای کدام پویش است؟
report-no-campaign = بدون پویش
report-ask-area = حوزهٔ خدمت را انتخاب کنید:
report-campaign-counts-only = { $several ->
    [yes] («{$campaign}» فقط این حوزه‌ها را می‌شمارد؛ خدمت دیگری را «بدون پویش» گزارش کنید.)
   *[no] («{$campaign}» فقط همین حوزه را می‌شمارد؛ خدمت دیگری را «بدون پویش» گزارش کنید.)
}
report-not-counted = ⚠️ «{$service}» در «{$campaign}» شمرده نمی‌شود.
report-ask-service = کدام خدمت؟ ({$area})
report-ask-quantity = چند {$unit} {$done}؟ (عدد را بنویسید)
report-quantity-zero = تعداد باید دست‌کم ۱ باشد؛ عدد را دوباره بنویسید.
report-number-hint = لطفاً تعداد را با رقم بنویسید؛ مثلاً ۱۲.
report-number-negative = عدد منفی پذیرفته نیست؛ مثلاً ۱۲۰ بنویسید.
report-number-fraction = لطفاً عدد صحیح بنویسید؛ مثلاً ۱۲۰.
report-number-too-large = این عدد بیش از حد بزرگ است؛ عدد درست را بنویسید.
report-confirm-large = {$quantity} {$unit}؟ این عدد برای یک گزارش زیاد است. درست است؟
report-large-yes = ✅ بله، درست است
report-large-no = ✏️ اصلاح عدد
report-ask-beneficiaries = چند نفر از این خدمت بهره‌مند شدند؟
report-ask-volunteers = چند نفر از اعضای گروه شرکت داشتند؟
report-ask-place = کجا انجام شد؟
report-place-same = 📍 همان محل گروه: {$place}
report-place-pick = انتخاب استان و شهرستان
report-place-location = ارسال موقعیت
report-ask-location = موقعیت را با دکمهٔ «{ report-location-button }» در پایین صفحه بفرستید (یا از 📎 گزینهٔ «موقعیت»).
report-location-button = 📍 ارسال موقعیت من
report-location-received = 📍 موقعیت دریافت شد؛ نزدیک‌ترین شهرستان: {$place}.
report-location-outside = این موقعیت بیرون از ایران است؛ موقعیت محل خدمت را بفرستید یا با «بازگشت» استان و شهرستان را انتخاب کنید.
report-location-expected = لطفاً موقعیت را با دکمهٔ پایین صفحه بفرستید یا «{ button-back }» را بزنید.
report-ask-village = نام روستا یا محله (اختیاری):
report-village-too-long = نام محل حداکثر {$max} حرف است؛ کوتاه‌تر بنویسید.
report-ask-date = چه روزی انجام شد؟ یکی از دکمه‌ها را بزنید یا تاریخ را بنویسید؛ مثلاً {$example}
report-date-today = امروز، {$date}
report-date-yesterday = دیروز
report-date-before = پریروز
report-date-future = تاریخ نمی‌تواند بعد از امروز باشد؛ تاریخ درست را بنویسید.
report-date-too-old = تاریخ نباید بیش از {$days} روز پیش باشد؛ خدمت‌های قدیمی‌تر را به هماهنگ‌کننده بگویید.
report-date-before-campaign = این پویش از {$start} شروع شده است؛ تاریخی از آن روز به بعد بنویسید.
report-ask-description = توضیح کوتاه (اختیاری، حداکثر {$max} حرف):
report-description-too-long = توضیح {$length} حرف است؛ حداکثر {$max} حرف بنویسید.
report-ask-photos = عکس دارید؟ تا {$max} عکس بفرستید، بعد «{ report-photos-done }» را بزنید.
report-photos-received = {$count} عکس دریافت شد.
report-photos-full = حداکثر {$max} عکس پذیرفته می‌شود؛ {$count} عکس نگه داشته شد.
report-photos-done = ✅ تمام
report-no-photos = بدون عکس
report-photo-expected = در این مرحله عکس بفرستید یا «{ report-photos-done }» را بزنید.
report-review-title = لطفاً گزارش را بررسی کنید:
report-review-edit-title = ویرایش گزارش شمارهٔ {$receipt}؛ تغییرها را بررسی و ذخیره کنید:
report-review-group = گروه: {$group}
report-review-campaign = 🎯 {$campaign}
report-review-service = خدمت: {$area} › {$service} — {$quantity} {$unit}
report-review-people =
    بهره‌مندان: {$beneficiaries}
    داوطلبان: {$volunteers}
report-review-people-unknown = —
report-review-people-count = {$count} نفر
report-review-place = محل: {$place}
report-review-location = (موقعیت ثبت‌شده 📍)
report-review-place-located = محل بر اساس موقعیت: {$place} 📍
report-review-date = تاریخ: {$date}
report-review-description = توضیح: {$description}
report-review-photos = { $any ->
    [yes] عکس: {$count}
   *[no] عکس: ندارد
}
report-edit-service = ✏️ خدمت
report-edit-quantity = ✏️ تعداد
report-edit-people = ✏️ بهره‌مندان و داوطلبان
report-edit-place = ✏️ محل
report-edit-date = ✏️ تاریخ
report-edit-description = ✏️ توضیح
report-edit-photos = ✏️ عکس‌ها
report-edit-campaign = ✏️ پویش
report-save = ✅ ثبت گزارش
report-copy-receipt = 📋 کپی شمارهٔ گزارش
report-repeat = 🔁 تکرار گزارش قبلی
# Above the date question of a report prefilled from another ($receipt: its number).
report-repeat-started = گزارش تازه‌ای با همان خدمت، تعداد و محلِ گزارش {$receipt} آماده شد؛ عکس‌ها تکرار نمی‌شوند.
report-save-changes = 💾 ذخیرهٔ تغییرها
report-saved = ✅ گزارش شمارهٔ {$receipt} ثبت شد. دست مریزاد!
report-updated = ✅ گزارش شمارهٔ {$receipt} ویرایش شد.
# A later press on the panel of a saved report (the second tap of a double tap on «ثبت»).
report-done-already = ✅ این گزارش ثبت شد (شمارهٔ {$receipt}).
report-edit-done-already = ✅ تغییرهای گزارش شمارهٔ {$receipt} ذخیره شد.
# $figures: the week's figures as the group card says them (stats.ftl): «۳ گزارش (۱۲۰ بسته، ۸
# نفر)، ⏳ ۱ گزارش در انتظار بررسی», quantities per unit, never added across units.
report-week-totals = گروه شما این هفته: {$figures}
report-streak = 🔥 { $weeks } هفتهٔ پیاپی گزارش داده‌اید
report-not-leader-anymore = دیگر سرگروه این گروه نیستید؛ گزارش ثبت نشد.
report-group-merged = گروه شما در «{$group}» ادغام شد؛ این گزارش برای «{$group}» ثبت می‌شود.

## «🗂 گزارش‌های من»: recent reports, edit and delete.

myreports-empty = هنوز گزارشی ثبت نکرده‌اید.
myreports-none-yours = شما گزارشی ثبت نکرده‌اید.
myreports-title = گزارش‌های اخیر شما:
myreports-line = <b>{$receipt}</b>، {$date}، {$service} — {$quantity} {$unit}، {$status}
myreports-status-submitted = ثبت‌شده
myreports-status-approved = تأییدشده ✅
myreports-status-returned = برگشت‌خورده ↩️
myreports-edit = ✏️ ویرایش {$receipt}
myreports-delete = 🗑 حذف {$receipt}
myreports-delete-confirm =
    گزارش {$receipt} حذف شود؟
    {$service} — {$quantity} {$unit}، {$date}
    حذف گزارش برگشت ندارد.
myreports-deleted = گزارش {$receipt} حذف شد.
myreports-none-left = گزارش دیگری در فهرست شما نمانده است؛ از منوی پایین ادامه دهید.
myreports-locked = این گزارش دیگر قابل ویرایش یا حذف نیست (زمان ویرایش گذشته یا بررسی شده است).
report-location-keyboard = دکمهٔ «{ report-location-button }» پایین صفحه است 👇
report-location-skipped = باشد، بدون موقعیت.

report-quantity-now = {$quantity} {$unit}
report-unit-changed = واحد این خدمت فرق دارد؛ تعداد را دوباره بنویسید.
report-text-empty = متنی دیده نشد؛ دوباره بنویسید یا «{ button-skip }» را بزنید.
report-photos-clear = 🗑 حذف همهٔ عکس‌ها
report-photos-cleared = همهٔ عکس‌ها حذف شد.
report-date-hint = تاریخ را به شکل ۱۴۰۵/۰۹/۰۱ بنویسید یا یکی از دکمه‌ها را بزنید.
report-edit-cancelled = ویرایش لغو شد؛ گزارش قبلی بدون تغییر ماند.
report-other-week-totals = تاریخ این گزارش در هفتهٔ {$week} است؛ گروه شما آن هفته: {$figures}
report-description-trim = ✂️ نگه داشتن {$max} حرف اول
report-photo-from-file = 📷 تصویری که به شکل فایل فرستادید، به شکل عکس به گزارش اضافه شد.
report-service-retired = «{$name}» دیگر در فهرست خدمت‌ها نیست؛ یکی دیگر را انتخاب کنید.

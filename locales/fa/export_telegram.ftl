## Exports in Telegram: «📤 خروجی» / /export, its questions, the progress, the file; photo links.

menu-export = 📤 خروجی
command-export = خروجی اکسل یا CSV از گزارش‌ها
help-export = 📤 /export — خروجی اکسل یا CSV از گزارش‌ها، با پیوند عکس‌ها
flow-name-export = ساختن خروجی
export-col-photo-link = پیوند عکس‌ها

export-ask-range =
    <b>📤 خروجی گزارش‌ها</b>
    گزارش‌های کدام بازه؟ (بر اساس تاریخ انجام خدمت)

    یکی از دکمه‌ها را بزنید یا بازه را بنویسید؛ مثلاً {$example}
export-this-month = این ماه ({$month})
export-last-month = ماه پیش ({$month})
export-this-year = امسال ({$year})
export-range-hint = بازه را این‌طور بنویسید: {$example}
export-range-reversed = تاریخ پایان پیش از تاریخ شروع است؛ بازه را دوباره بنویسید.

export-ask-scope = گزارش‌های کجا؟
export-scope-country = 🇮🇷 همهٔ کشور
export-scope-pick = 📍 یک استان…
export-scope-mine = همهٔ استان‌های من
export-scope-province = استان {$name}
export-scope-provinces = استان‌های {$names}

export-ask-campaign = فقط گزارش‌های یک پویش، یا همه؟
export-campaign-any = همهٔ گزارش‌ها
export-campaign-none = همهٔ گزارش‌ها (با پویش یا بدون پویش)

export-ask-status = گزارش‌ها با چه وضعیتی؟
export-status-live = هر وضعیتی (جز حذف‌شده‌ها)
export-status-approved-only = فقط تأییدشده‌ها
export-status-pending = فقط در انتظار بررسی
export-status-returned-only = فقط برگشت‌خورده‌ها

export-ask-format =
    فایل به چه شکلی باشد؟
    اکسل برای خواندن و جمع زدن؛ CSV برای نرم‌افزارهای دیگر.
export-format-xlsx = 📗 اکسل (XLSX)
export-format-csv = 📄 CSV

export-ask-hxl =
    این فایل به سامانهٔ داده‌های امدادی (مثلاً HDX سازمان ملل) هم داده می‌شود؟
    اگر آری، زیر سرستون‌ها یک ردیف برچسب استاندارد (HXL) می‌آید تا آن سامانه ستون‌ها را بشناسد. اگر فایل را فقط خودتان و همکارانتان می‌خوانید، «{ export-hxl-no }» را بزنید.
export-hxl-yes = بله، با ردیف برچسب‌ها
export-hxl-no = خیر، لازم نیست

export-confirm =
    <b>📤 خروجی گزارش‌ها</b>
    بازه: {$range}
    کجا: {$scope}
    پویش: {$campaign}
    وضعیت: {$status}
    فایل: {$format}{$hxl}
export-confirm-hxl = ، با ردیف برچسب‌های سامانه‌های امدادی (HXL)
export-build = 📤 ساختن فایل
export-requested =
    {$summary}

    ⏳ فایل ساخته می‌شود؛ در این فاصله می‌توانید با ربات کار کنید.
export-empty-early = در این بازه گزارشی نیست؛ بازهٔ دیگری را انتخاب کنید یا بنویسید.
export-empty-scope = در این بازه از {$scope} گزارشی نیست؛ بازهٔ دیگری را انتخاب کنید یا بنویسید.

export-busy = ساختن خروجی قبلی‌تان هنوز تمام نشده؛ لطفاً صبر کنید تا فایلش برسد، بعد دوباره بخواهید.
export-not-allowed = این خروجی دیگر در اختیار شما نیست (نقشتان تغییر کرده)؛ دوباره از «📤 خروجی» شروع کنید.
export-progress-start = ⏳ آماده کردن فایل…
export-tg-progress = ⏳ ساختن فایل: {$bar} {$percent}
    {$done} از {$total} گزارش
export-sending = ⏳ فایل ساخته شد؛ در حال فرستادن…
export-ready = ✅ فایل خروجی آماده است: {$rows} گزارش.
# The summary of the filters is just above the file: the caption does not repeat it.
export-caption = 📤 {$rows} گزارش
export-file = گزارش خدمات {$range}
export-file-place = گزارش خدمات {$place} {$range}
export-empty-range = در این بازه و با این شرط‌ها گزارشی نبود؛ فایلی فرستاده نشد. بازه یا شرط دیگری را امتحان کنید.
export-too-big = فایل از پنجاه مگابایت بیشتر شد و تلگرام آن را نمی‌پذیرد. بازهٔ کوتاه‌تر یا قالب CSV را امتحان کنید.
export-failed = ببخشید، ساختن فایل نشد و چیزی فرستاده نشد. چند دقیقهٔ دیگر دوباره امتحان کنید.
export-again = 📤 خروجی دیگر

export-photos-caption = عکس‌های گزارش {$receipt}، {$group}، {$date}
export-photos-refused = این عکس‌ها فقط برای مدیران و هماهنگ‌کنندهٔ استان همان گزارش باز می‌شود؛ ببخشید.
export-photos-gone = این پیوند درست نیست یا گزارشش دیگر نیست.
export-photos-none = این گزارش عکسی ندارد.

# Something other than a typed range or a button at the first question (a sticker, a contact, a
# file): the question below holds the example.
export-range-expects = یکی از دکمه‌ها را بزنید یا بازه را مثل نمونهٔ زیر بنویسید.

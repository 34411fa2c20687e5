## «📊 آمار», /campaign, /top and /find (handlers/lookups.py). Figures are rendered by stats.ftl.

menu-stats = 📊 آمار
command-stats = آمار گروه، استان یا کشور
command-campaign = پیشرفت پویش‌ها
command-top = گروه‌ها و استان‌های پیشرو
command-find = جستجوی گروه یا شهر
help-stats = { $role ->
    [admin] 📊 /stats — آمار سراسر کشور
    [coordinator] 📊 /stats — آمار استان شما، گروه‌های پرکار و کم‌کار
    [newcomer] 📊 /stats — آمار سراسر کشور
   *[other] 📊 /stats — آمار گروه شما
} در هفته، ماه، سال یا بازهٔ دلخواه
help-campaign = { $role ->
    [admin] 🎯 /campaign — پیشرفت پویش‌ها؛ ساختن، ویرایش و پایان دادن پویش
    [coordinator] 🎯 /campaign — پیشرفت پویش‌ها؛ ساختن و ویرایش پویش‌های استان
   *[other] 🎯 /campaign — پیشرفت پویش‌ها و سهم استان و گروه شما
}
help-top = 🏆 /top — گروه‌ها و استان‌های پیشرو
help-find = { $role ->
    [newcomer] 🔎 /find — پیدا کردن گروه‌های شهرتان و درخواست پیوستن به یکی از آن‌ها
   *[other] 🔎 /find — پیدا کردن گروه، شهرستان یا استان، با آمارش
}
# The period buttons under every figure.
lookups-week = این هفته
lookups-month = این ماه
lookups-last-month = ماه قبل
# /stats in a month's first days opens on the month just ended.
lookups-fresh-month = ماه { $month } تازه آغاز شده؛ آمار ماه قبل را می‌بینید. آمار { $month } با دکمهٔ «این ماه» می‌آید.
lookups-year = امسال
lookups-campaign-period = 🎯 { $title }
lookups-range = 📅 بازهٔ دلخواه
lookups-campaigns = 🎯 پویش‌ها
lookups-top = 🏆 برترین‌ها
lookups-stats = 📊 آمار
lookups-find = 🔎 جستجو
lookups-by-reports = بر اساس گزارش
# A campaign's leaderboard ranks by what the campaign counts, in its unit.
lookups-by-campaign = بر اساس شمار پویش
lookups-beneficiaries = بر اساس بهره‌مندان
lookups-groups = گروه‌ها
lookups-provinces = استان‌ها
lookups-counties = شهرستان‌ها
lookups-chosen = ✅ { $name }

# A leader's own part of the group's figures.
lookups-own-reports = ✍️ گزارش‌های خود شما: { $reports }
# A coordinator's view of their province.
lookups-most-active = <b>پرکارترین گروه‌ها:</b>
lookups-least-active = <b>کم‌کارترین گروه‌ها:</b>
lookups-activity-line = • { $name } ({ $county }) — { $reports } گزارش
lookups-silent-all = 🔕 همهٔ گروه‌های بی‌گزارش ({ $count })
lookups-no-group = هنوز عضو گروهی نیستید؛ این آمار سراسر کشور است.
lookups-gone = این مورد دیگر در دسترس نیست. از منوی پایین دوباره شروع کنید.

# /campaign
lookups-campaign-none = اکنون پویش فعالی در جریان نیست.
lookups-campaign-top = 🏆 برترین‌های { $title }
lookups-campaign-map = 🗺 نقشه
lookups-campaign-map-named = 🗺 نقشهٔ { $title }
# The map's caption (bot/maps/render.py draws the picture).
lookups-map-title = 🗺 <b>{ $title }</b> در استان‌ها
lookups-map-shares = رنگ هر استان: چند درصد از سهمش از هدف پویش انجام شده است.
lookups-map-per-group = سهم استان‌ها تعیین نشده است؛ رنگ هر استان: خدمات پویش به ازای هر گروه فعال آن.
lookups-map-yours-share = 📍 { $province }: { $done } از سهم { $share } ({ $percent })
lookups-map-yours-no-share = 📍 { $province }: { $done } خدمت (سهمی برایش تعیین نشده است)
lookups-map-yours-groups = 📍 { $province }: { $done } خدمت از { $groups } گروه فعال
lookups-map-gone = نقشه فقط برای پویش‌های سراسری در جریان است و این پویش دیگر در جریان نیست.

# The typed range: «۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۳۰», or two dates one after another.
flow-name-stats-range = بازهٔ آمار
lookups-range-ask =
    بازهٔ دلخواه را بنویسید، مثلاً «{ $example }».
    می‌توانید فقط روز آغاز را بنویسید و روز پایان را بعد بفرستید.
lookups-range-ask-end = از { $start }؛ حالا روز پایان را بنویسید، مثلاً «{ $example }».
lookups-range-hint = تاریخ را به شکل سال/ماه/روز بنویسید، مثلاً «۱۴۰۵/۰۸/۰۱».
lookups-range-reversed = روز پایان پیش از روز آغاز است. دوباره بنویسید.
lookups-range-too-long = بازه نمی‌تواند بیش از سه سال باشد؛ بازهٔ کوتاه‌تری بنویسید.

# /find
flow-name-find = جستجو
lookups-find-ask = نام گروه، شهرستان یا استان را بنویسید (حتی بخشی از آن).
lookups-find-ask-city = نام شهر یا شهرستانتان را بنویسید تا گروه‌های آنجا را ببینید؛ مثلاً «تبریز». یا موقعیتتان را با دکمهٔ «{ lookups-find-location-button }» بفرستید.
lookups-find-location-button = 📍 ارسال موقعیت من
lookups-find-location-keyboard = دکمهٔ «{ lookups-find-location-button }» پایین صفحه است 👇
lookups-find-near = 📍 نزدیک‌ترین شهرستان به موقعیت شما: {$place}.
lookups-find-near-report = اگر این موقعیت محل خدمتی است که می‌خواهید گزارش کنید، «{ menu-report }» را بزنید و در پرسش محل، موقعیت را بفرستید.
lookups-find-typed = 🔎 جستجوی «{$query}»…
lookups-find-location-outside = این موقعیت بیرون از ایران است؛ نام شهرتان را بنویسید یا موقعیتی در ایران بفرستید.
lookups-find-short = دست‌کم دو حرف بنویسید.
# The groups of the county a search names.
lookups-find-county-title = <b>گروه‌های شهرستان { $county } ({ $count }):</b>
lookups-find-county-group = • { $name } — { $specialty }، { $members } عضو
lookups-find-county-none = در شهرستان { $county } هنوز گروهی نیست؛ اگر سرگروه هستید، نخستین گروه را بسازید.
lookups-find-back = ↩️ بازگشت به نتایج
lookups-card-member = شما عضو این گروه هستید.
lookups-card-request-open = ⏳ درخواست پیوستن شما در انتظار پاسخ سرگروه است.
lookups-find-again = 🔎 جستجوی دیگر
lookups-page = صفحهٔ { $page } از { $pages }

# The group card: this week's and month's figures and its share of each campaign.
# $figures: «۵۱ گزارش (۲۹۹ پرس، ۴۹ بسته، ۹ واحد)، ۴۵۰ بهره‌مند، ⏳ ۲ گزارش در انتظار بررسی»
# (stats.ftl; the same on the receipt). None counted and none waiting: the -none line.
lookups-card-week = 📊 این هفته: { $figures }
lookups-card-month = 📊 این ماه: { $figures }
lookups-card-week-none = 📊 این هفته هنوز گزارشی ثبت نشده است.
lookups-card-month-none = 📊 این ماه هنوز گزارشی ثبت نشده است.
# The group's part of what a campaign has counted so far (not a target).
lookups-card-campaign = 🎯 «{ $title }»: کار گروه { $count } { $unit } ({ $percent } از { $total } انجام‌شده)
lookups-public-card =
    👥 <b>{ $group }</b>
    📍 { $place }
    🏷 تخصص: { $specialty }
    تعداد اعضا: { $members }

# Campaigns for admins (national) and coordinators (their province): create and close.
flow-name-campaign = ساختن یا ویرایش پویش
camp-new = ➕ پویش تازه
camp-close = ⏹ پایان «{ $title }»
camp-close-confirm = «{ $title }» همین حالا پایان یابد؟ گزارش‌هایش سر جایشان می‌مانند.
camp-closed = «{ $title }» پایان یافت.
# A campaign that has not begun (no reports yet) is called off rather than ended.
camp-cancel = 🗑 لغو «{ $title }»
camp-cancel-confirm = «{ $title }» هنوز آغاز نشده است؛ لغو شود؟
camp-cancelled = «{ $title }» لغو شد.
camp-unit = خدمت
camp-national = سراسر کشور
camp-ask-title = نام پویش را بنویسید؛ مثلاً «پویش ۱۱ هزار خدمت».
camp-bad-title = نام پویش باید { $min } تا { $max } حرف باشد.
camp-expects-text = نام پویش را بنویسید.
camp-ask-target = هدف پویش چند خدمت است؟ یک عدد بنویسید.
camp-bad-target = هدف را با رقم بنویسید؛ مثلاً ۱۱٬۰۰۰.
camp-ask-start = پویش از چه روزی آغاز می‌شود؟ مثلاً «{ $example }».
# A first day more than a year ahead: most likely a mistyped year (such as ۱۵۰۰).
camp-start-future = روز آغاز نمی‌تواند بیش از یک سال بعد از امروز باشد؛ شاید سال را اشتباه نوشته‌اید.
camp-ask-end = آغاز: { $start }. پویش تا چه روزی ادامه دارد؟
camp-bad-end = روز پایان باید پس از روز آغاز و امروز باشد.
camp-ask-types = کدام خدمت‌ها در این پویش شمرده شوند؟
camp-all-types = همهٔ خدمت‌ها
camp-confirm =
    <b>{ $title }</b>
    🎯 هدف: { $target } خدمت
    🏷 { $types }
    📅 { $range }
    📍 { $scope }
camp-create = ✅ ساختن پویش
camp-created = 🎯 «{ $title }» ساخته شد؛ سرگروه‌ها از حالا می‌توانند گزارش‌ها را برای آن ثبت کنند.
# A campaign prepared ahead: offered in reports from its first day, listed apart till then.
camp-created-ahead = 🎯 «{ $title }» ساخته شد. از { $start } سرگروه‌ها می‌توانند گزارش‌ها را برای آن ثبت کنند؛ تا آن روز در فهرست پویش‌ها زیر «پویش‌های پیش‌رو» می‌آید و می‌توانید ویرایش یا لغوش کنید.
camp-ahead-title = ⏳ <b>پویش‌های پیش‌رو</b>
camp-ahead-line = • «{ $title }»، { $range }، هدف { $target } { $unit }
campaign-share = ↗️ هم‌رسانی پیشرفت {$title}
share-campaign-description = پیشرفت پویش تا امروز

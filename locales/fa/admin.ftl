## /admin: roles, groups, approvals (admins; coordinators see their provinces).

admin-menu = ⚙️ <b>مدیریت خدمت‌یار</b>. چه کاری انجام دهیم؟
admin-coordinators = 👤 هماهنگ‌کننده‌ها
admin-admins = 🛡 مدیران
admin-groups = 👥 گروه‌ها
admin-pending = ⏳ درخواست‌های گروه
admin-review-chat = 🔗 گروه بررسی هماهنگ‌کنندگان
admin-review-chat-ask = گزارش‌های تازه برای بررسی در کدام گروه تلگرام فرستاده شوند؟ دکمهٔ «👥 انتخاب گروه» را در پایین صفحه بزنید و گروه هماهنگ‌کنندگان را انتخاب کنید؛ اگر ربات در آن نیست، افزوده می‌شود. (راه دیگر: ربات را به گروه بیفزایید و آنجا /review را بفرستید.)
admin-review-chat-button = 👥 انتخاب گروه
admin-review-chat-keyboard = فهرست گروه‌هایتان با دکمهٔ پایین صفحه باز می‌شود.
admin-review-chat-hint = گروه را با دکمهٔ «👥 انتخاب گروه» در پایین صفحه انتخاب کنید.
admin-review-chat-picked = گروه انتخاب شد.
admin-review-chat-untitled = گروه انتخاب‌شده
admin-review-chat-linked = ✅ گزارش‌های تازهٔ {$scope} از این پس برای بررسی در «{$chat}» هم فرستاده می‌شود. برای قطع، در همان گروه /review_off را بفرستید.
admin-back = ↩️ منوی مدیریت
admin-coordinators-title = هماهنگ‌کننده‌های استان‌ها ({$count} نفر):
admin-coordinator-line = • {$name}: {$provinces}
admin-coordinators-empty = هنوز هماهنگ‌کننده‌ای تعیین نشده است.
admin-add-coordinator = ➕ هماهنگ‌کنندهٔ تازه
admin-coordinator-card =
    👤 {$name}
    استان‌ها: {$provinces}
admin-add-province = ➕ استان دیگر
admin-remove-province = ❌ {$province}
admin-admins-title = مدیران ({$count} نفر):
admin-admin-line = { $config ->
    [yes] • {$name} (در فایل تنظیمات؛ فقط از همان‌جا برداشته می‌شود)
   *[no] • {$name}
}
admin-unknown-person = شناسهٔ {$id}
admin-add-admin = ➕ مدیر تازه
admin-remove-admin = ❌ {$name}
admin-ask-user = شناسهٔ عددی تلگرام یا نام کاربری آن فرد را بفرستید (مثلاً @maryam). او باید پیش‌تر ربات را با /start آغاز کرده باشد.
admin-user-unknown = کسی با «{$query}» پیدا نشد. شناسهٔ عددی یا @نام‌کاربری کسی را بفرستید که ربات را با /start آغاز کرده است.
admin-pick-province = {$name} هماهنگ‌کنندهٔ کدام استان باشد؟
admin-coordinator-added = {$name} هماهنگ‌کنندهٔ استان {$province} شد.
admin-coordinator-removed = {$name} دیگر هماهنگ‌کنندهٔ استان {$province} نیست.
admin-you-are-coordinator = 🎉 شما هماهنگ‌کنندهٔ استان {$province} در خدمت‌یار شدید. از «⚙️ مدیریت» گروه‌های استان را ببینید.
admin-admin-added = {$name} مدیر شد.
admin-admin-removed = {$name} دیگر مدیر نیست.
admin-you-are-admin = 🎉 شما مدیر خدمت‌یار شدید. از «⚙️ مدیریت» شروع کنید.
admin-config-admin = این مدیر در فایل تنظیمات آمده و از اینجا برداشته نمی‌شود.
admin-groups-title = گروه‌ها ({$count}). برای مدیریت روی گروه بزنید یا آن را جستجو کنید:
admin-groups-empty = گروهی پیدا نشد.
admin-group-rename = ✏️ تغییر نام
admin-group-merge = 🔀 ادغام در گروه دیگر
admin-group-transfer = 👤 انتقال سرگروهی
admin-ask-group-name = نام تازهٔ «{$group}» را بنویسید:
admin-renamed = نام گروه به «{$group}» تغییر کرد.
admin-ask-merge-target = «{$group}» در کدام گروه ادغام شود؟ بخشی از نام گروه مقصد را بنویسید:
admin-merge-pick = گروه مقصد را انتخاب کنید:
admin-merge-confirm =
    همهٔ گزارش‌ها و اعضای «{$source}» به «{$target}» منتقل می‌شود و «{$source}» کنار می‌رود. ادامه می‌دهید؟
admin-merged = { $moved ->
    [none] «{$source}» در «{$target}» ادغام شد؛ گزارشی برای انتقال نداشت.
   *[some] «{$source}» در «{$target}» ادغام شد و {$reports} گزارش آن منتقل شد.
}
admin-merge-same = گروهی را نمی‌شود در خودش ادغام کرد.
admin-ask-transfer = سرگروه تازهٔ «{$group}» کیست؟ شناسهٔ عددی یا @نام‌کاربری او را بفرستید:
admin-transferred = سرگروهی «{$group}» به {$name} سپرده شد.
admin-pending-empty = درخواستی در انتظار نیست.
admin-pending-title = درخواست‌های ساختن گروه ({$count}):

admin-group-search = 🔎 جستجوی گروه
admin-ask-group-search = بخشی از نام گروه را بنویسید:
admin-ask-name-hint = لطفاً نام را بنویسید.
admin-search-found = {$count} گروه پیدا شد:
admin-transfer-confirm = سرگروهی «{$group}» به {$name} سپرده شود؟ سرگروه فعلی عضو گروه می‌ماند.
admin-transfer-members-only = {$name} عضو این گروه نیست؛ سرگروه تازه باید از اعضای گروه باشد.
admin-you-are-not-admin = دیگر مدیر خدمت‌یار نیستید.
admin-you-are-not-coordinator = دیگر هماهنگ‌کنندهٔ استان {$province} نیستید.
admin-your-group-merged = { NAMED("گروه", $source) } در «{$target}» ادغام شد؛ از این پس با «{$target}» کار کنید.

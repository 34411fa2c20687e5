## Start, help, cancel, the main menu and general answers.

start-welcome =
    سلام {$name}، به <b>خدمت‌یار</b> خوش آمدید 🌱

    اینجا گروه‌های داوطلب خدمت‌هایشان را قدم‌به‌قدم ثبت می‌کنند و هر کس پیشرفت گروه و پویش خود را می‌بیند.
# A member: her group(s) and what she can see; $groups: «گروه امید» و «گروه مهر» (quoted).
start-welcome-member =
    سلام {$name} 🌱 شما عضو {$groups} هستید.
    کارت گروه و کارنامه‌اش در «👥 گروه من» است و کار گروه و پیشرفت پویش‌ها در «📊 آمار».
start-welcome-leader =
    سلام {$name} 🌱 شما سرگروه {$groups} هستید.
    برای ثبت خدمت گروه «📝 ثبت گزارش خدمت» را بزنید؛ اعضا و لینک دعوت در «👥 گروه من» است.
start-welcome-coordinator =
    سلام {$name} 🌱 شما هماهنگ‌کنندهٔ { $several ->
        [yes] استان‌های
       *[no] استان
    } {$provinces} هستید.
    گروه‌ها و درخواست‌های استان در «⚙️ مدیریت» است و پویش‌ها در «🎯 پویش‌ها».{ $review ->
        [yes] {" "}گزارش‌های تازه در «📥 بررسی گزارش‌ها» منتظر شماست.
       *[no] {""}
    }
start-welcome-admin =
    سلام {$name} 🌱 شما مدیر خدمت‌یار هستید.
    گروه‌ها، نقش‌ها، کانال‌ها و انواع خدمت در «⚙️ مدیریت» است، پویش‌ها در «🎯 پویش‌ها» و خروجی گزارش‌ها در «📤 خروجی».{ $review ->
        [yes] {" "}گزارش‌های تازه در «📥 بررسی گزارش‌ها» منتظر بررسی است.
       *[no] {""}
    }
help-title = <b>راهنمای خدمت‌یار</b>
# One line for each command this person has (bot.kit.commands); $role: admin, coordinator, leader,
# member or newcomer.
help-report = 📝 /report — ثبت گزارش خدمت گروه، قدم‌به‌قدم
help-myreports = 🗂 /myreports — گزارش‌های اخیر شما؛ ویرایش و حذف تا مدتی پس از ثبت
help-group = { $role ->
    [leader] 👥 /group — کارت گروه، اعضا و لینک دعوت
    [newcomer] 👥 /group — گروه شما؛ تا عضو گروهی نشده‌اید، راه پیوستن را نشان می‌دهد
   *[other] 👥 /group — کارت گروه و کارنامه‌اش
}
help-join = 🔗 /join — پیوستن به گروه با کد دعوتی که سرگروه فرستاده است
help-newgroup = ➕ /newgroup — ساختن گروه تازه، اگر سرگروه هستید
help-admin = { $role ->
    [admin] ⚙️ /admin — مدیریت: گروه‌ها، درخواست‌ها، هماهنگ‌کننده‌ها، مدیران، کانال‌ها و انواع خدمت
   *[other] ⚙️ /admin — گروه‌ها و درخواست‌های استان شما
}
help-digest = 📰 /digest — پیش‌نمایش گزارش هفتگی کانال‌ها، فقط برای شما
help-footer =
    ✖️ /cancel — لغو کار نیمه‌تمام

    عددها را با رقم فارسی یا انگلیسی و تاریخ را شمسی بنویسید؛ مثلاً ۱۲۰ یا ۱۴۰۵/۰۹/۰۱.
cancel-done = لغو شد. هر وقت خواستید از منوی پایین دوباره شروع کنید.
cancel-nothing = کار نیمه‌تمامی ندارید که لغو شود.
text-too-long = این متن از یک پیام تلگرام (بیش از {$limit} نویسه) بلندتر است؛ لطفاً کوتاه‌ترش کنید و دوباره بفرستید.
backlog-skipped = پیام‌های زیادی پشت سر هم فرستادید؛ به چند پیام قدیمی‌تر پاسخ نمی‌دهم تا زودتر به تازه‌ترین‌ها برسم.
# Greetings answered as /start is (handlers.start.is_greeting), separated by «|».
greeting-words = سلام|سلام‌علیکم|درود|وقت بخیر|وقت به‌خیر|صبح بخیر|صبح به‌خیر|عصر بخیر|عصر به‌خیر|خسته نباشید|hi|hello|salam
unknown-message = متوجه نشدم. یکی از دکمه‌های پایین صفحه را بزنید یا /help را بفرستید.
private-only = برای این کار لطفاً در گفت‌وگوی خصوصی با من پیام بدهید.
open-private = 💬 گفت‌وگوی خصوصی با خدمت‌یار
flow-revoked = نقش شما تغییر کرده و دیگر اجازهٔ «{$flow}» را ندارید؛ این کار بسته شد. از منوی پایین ادامه دهید.
flow-expired-notice = «{$flow}» مدتی نیمه‌تمام ماند و بسته شد. هر وقت خواستید از منوی پایین دوباره شروع کنید.
flow-name-report = ثبت گزارش
flow-name-admin = کار مدیریتی
flow-name-group = ساختن گروه
flow-name-join = پیوستن به گروه
error-generic = ببخشید، مشکلی پیش آمد و کارتان انجام نشد. اطلاعات قبلی‌تان محفوظ است؛ لطفاً دوباره امتحان کنید.
error-network = ارتباط با تلگرام لحظه‌ای قطع شد و شاید پاسخ کامل به دستتان نرسیده باشد. اطلاعات قبلی‌تان محفوظ است؛ اگر چیزی کم است، دوباره بفرستید.
error-storage = موقتاً نمی‌توانیم چیزی ذخیره کنیم، پس این کارتان ثبت نشد. آنچه پیش‌تر ثبت کرده‌اید محفوظ است؛ لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
storage-failing = ⚠️ پایگاه‌دادهٔ خدمت‌یار نوشته نمی‌شود (دیسک پر یا فقط‌خواندنی است، یا برنامهٔ دیگری قفلش کرده است). ربات به کارهایی که نوشتن نمی‌خواهند پاسخ می‌دهد و به بقیه می‌گوید کمی بعد دوباره امتحان کنند؛ همین که نوشتن ممکن شود، خودش ادامه می‌دهد و خبرتان می‌کند.
storage-back = ✅ پایگاه‌دادهٔ خدمت‌یار دوباره نوشته می‌شود و ربات مثل همیشه کار می‌کند.
error-admin-notice =
    ⚠️ خطا در خدمت‌یار: <code>{$error}</code>
    جزئیات در گزارش‌های سرور است. این خطا تا راه‌اندازی دوباره فقط یک بار اعلام می‌شود.

## Main menu (reply keyboard) labels.
menu-report = 📝 ثبت گزارش خدمت
menu-my-reports = 🗂 گزارش‌های من
menu-group = 👥 گروه من
menu-help = ❓ راهنما
menu-admin = ⚙️ مدیریت
menu-campaigns = 🎯 پویش‌ها
menu-placeholder = یکی از گزینه‌ها را انتخاب کنید

## Command descriptions for setMyCommands (plain text, 1–256 characters).
command-start = شروع و منوی اصلی
command-report = ثبت گزارش خدمت
command-myreports = گزارش‌های اخیر من
# The «/» menu's descriptions, given $role as the /help lines are (bot.kit.commands); a newcomer's
# and a member's are the same (the default list).
command-group = { $role ->
    [leader] گروه من، اعضا و لینک دعوت
   *[other] گروه من
}
command-join = پیوستن به گروه با کد دعوت
command-newgroup = ساختن گروه تازه
command-help = راهنما
command-cancel = لغو کار نیمه‌تمام
command-admin = مدیریت گروه‌ها و درخواست‌ها
command-digest = پیش‌نمایش گزارش هفتگی (فقط برای شما)

## Buttons shared by many steps.
button-back = ↩️ بازگشت
button-cancel = ✖️ انصراف
button-skip = ⏭ بگذریم
button-yes = بله
button-no = خیر
button-next-page = بعدی ◀️
button-prev-page = ▶️ قبلی
stale-button = این دکمه دیگر کار نمی‌کند؛ از منوی پایین دوباره شروع کنید.
flow-done-already = ✅ این کار انجام شده است؛ نتیجه‌اش در همین پیام است.
stale-step = این دکمه به پرسش قبلی مربوط است؛ لطفاً به آخرین پیام پاسخ دهید.
not-allowed = اجازهٔ این کار را ندارید.
not-allowed-menu = این بخش برای شما باز نیست؛ کارهایی را که می‌توانید انجام دهید در دکمه‌های پایین صفحه و /help می‌بینید.
stale-screen = این پیام قدیمی است و پیام تازه‌تری جایش را گرفته است؛ از آخرین پیام ادامه دهید.

## Configuration errors printed by the command line (plain text).
config-error = تنظیمات نادرست است: «{$key}» — {$why}
config-error-syntax = فایل تنظیمات {$path} خوانده نشد: {$why}
config-error-missing = فایل تنظیمات {$path} پیدا نشد.
config-why-unknown = چنین کلیدی در تنظیمات نداریم (unknown key).
config-why-section = باید یک بخش [جدول] باشد (expected a table).
config-why-int = باید عدد صحیح باشد (expected an integer).
config-why-positive = باید عددی مثبت باشد (expected a positive number).
config-why-int-list = باید فهرستی از شناسه‌های عددی تلگرام باشد، مثلاً [123456789] (expected a list of integers).
config-why-string = باید متن باشد (expected a string).
config-why-choice = باید یکی از این‌ها باشد: {$choices}
config-why-token = توکن شکل درستی ندارد؛ توکن را از BotFather بگیرید، مثلاً 123456789:AA… (malformed token).
config-why-url = باید نشانی http یا https باشد (expected an http(s) URL).
config-why-database-url = باید نشانی PostgreSQL باشد، مثلاً postgresql://khedmatyar@localhost/khedmatyar (expected a postgresql:// URL).
config-why-secret = رمز webhook باید دست‌کم ۳۲ نویسهٔ تصادفی از A-Z، a-z، 0-9، _ و - باشد، مثلاً خروجی python3 -c "import secrets; print(secrets.token_urlsafe(32))"؛ یا خالی بگذارید تا ربات خودش یکی بسازد و در پایگاه‌داده نگه دارد (weak or malformed webhook secret).
config-why-webhook = در حالت webhook نشانی https لازم است (webhook mode needs an https URL).
config-why-approved = شمردن فقط گزارش‌های تأییدشده وقتی معنا دارد که بررسی گزارش‌ها روشن باشد: [report] review = true (counting approved reports needs review on).
config-why-time = باید ساعت به شکل HH:MM باشد، مثلاً 18:00 (expected HH:MM).
config-why-timezone = منطقهٔ زمانی شناخته نشد؛ مثلاً Asia/Tehran (unknown time zone).
config-why-photos = باید بین ۱ تا ۱۰ باشد (between 1 and 10).

## The flow engine: what every step-by-step flow shares.
button-keep = ↩️ نگه داشتن
field-now = مقدار فعلی: {$value}
flow-busy = «{$flow}» را نیمه‌تمام گذاشته‌اید؛ ادامه‌اش همین‌جاست:
flow-continue = ادامهٔ «{$flow}»:
flow-resume = ▶️ ادامهٔ {$flow}
flow-start-other = 🔄 کنار گذاشتن و شروع {$flow}
flow-confirm-discard = «{$flow}» نیمه‌تمام است و پاسخ‌هایتان پاک می‌شود. کنار گذاشته شود؟
flow-discard-yes = بله، کنار بگذار
flow-discard-no = خیر، ادامه می‌دهم
flow-edit-ignored = ویرایش پیام پاسخ را عوض نمی‌کند؛ لطفاً پاسخ را دوباره بفرستید.
flow-reminder = ⏳ «{$flow}» نیمه‌تمام مانده است. ادامه می‌دهید؟
menu-now-yours = منوی پایین صفحه و فهرست فرمان‌های «/» برای نقش تازه‌تان به‌روز شد.
place-ask-province = کدام استان؟ انتخاب کنید یا نام استان را بنویسید.
place-ask-county = کدام شهرستانِ استان {$province}؟ انتخاب کنید یا نامش را بنویسید.
place-use-buttons = لطفاً از دکمه‌ها انتخاب کنید یا نام را بنویسید.
people-matches = چند نفر با «{$query}» پیدا شدند؛ یکی را انتخاب کنید:
people-not-shared = این پیام کسی را معرفی نمی‌کند که ربات را شروع کرده باشد. نام، @نام‌کاربری یا شناسهٔ عددی او را بنویسید.
people-picker-button = 👤 انتخاب از مخاطبان تلگرام
people-picker-keyboard = ساده‌ترین راه: دکمهٔ «👤 انتخاب از مخاطبان تلگرام» را در پایین صفحه بزنید و آن فرد را انتخاب کنید.
people-picked = «{$name}» انتخاب شد.
people-someone = این فرد
people-not-started = «{$name}» هنوز خدمت‌یار را آغاز نکرده است. از او بخواهید یک بار ربات را باز کند و «شروع» را بزند، سپس دوباره انتخابش کنید.
picker-closed = این انتخاب به پرسشی تعلق داشت که دیگر باز نیست؛ چیزی تغییر نکرد. از منوی پایین صفحه ادامه دهید.

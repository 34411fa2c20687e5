## Start, help, cancel, the main menu and general answers.

start-welcome =
    سلام {$name}، به <b>خدمت‌یار</b> خوش آمدید 🌱

    اینجا گروه‌های داوطلب خدمت‌هایشان را قدم‌به‌قدم ثبت می‌کنند و هر کس پیشرفت گروه و پویش خود را می‌بیند.
start-welcome-back = سلام {$name} 🌱 از دکمه‌های پایین صفحه یکی را انتخاب کنید.
help-title = <b>راهنمای خدمت‌یار</b>
help-leader =
    📝 /report — ثبت گزارش خدمت گروه
    🗂 /myreports — گزارش‌های اخیر شما؛ ویرایش و حذف تا مدتی پس از ثبت
help-member =
    👥 /group — کارت گروه، اعضا و لینک دعوت
    🔗 /join — پیوستن به گروه با کد دعوت
    ➕ /newgroup — ساختن گروه تازه
help-overseer = ⚙️ /admin — مدیریت: گروه‌ها، درخواست‌ها و نقش‌ها
help-footer =
    ✖️ /cancel — لغو کار نیمه‌تمام

    عددها را با رقم فارسی یا انگلیسی و تاریخ را شمسی بنویسید؛ مثلاً ۱۲۰ یا ۱۴۰۵/۰۹/۰۱.
cancel-done = لغو شد. هر وقت خواستید از منوی پایین دوباره شروع کنید.
cancel-nothing = کار نیمه‌تمامی نداشتید.
text-too-long = این متن از یک پیام تلگرام (بیش از {$limit} نویسه) بلندتر است؛ لطفاً کوتاه‌ترش کنید و دوباره بفرستید.
backlog-skipped = پیام‌های زیادی پشت سر هم فرستادید؛ به چند پیام قدیمی‌تر پاسخ نمی‌دهم تا زودتر به تازه‌ترین‌ها برسم.
unknown-message = متوجه نشدم. از دکمه‌های پایین صفحه یکی را انتخاب کنید یا /help را بفرستید.
private-only = برای این کار لطفاً در گفت‌وگوی خصوصی با من پیام بدهید.
open-private = 💬 گفت‌وگوی خصوصی با خدمت‌یار
flow-revoked = نقش شما تغییر کرده و دیگر اجازهٔ «{$flow}» را ندارید؛ این کار بسته شد. از منوی پایین ادامه دهید.
flow-expired-notice = «{$flow}» یک روز نیمه‌تمام ماند و بسته شد. هر وقت خواستید از منوی پایین دوباره شروع کنید.
flow-name-report = ثبت گزارش
flow-name-admin = کار مدیریتی
flow-name-group = ساختن گروه
flow-name-join = پیوستن به گروه
error-generic = ببخشید، مشکلی پیش آمد و کارتان انجام نشد. اطلاعات قبلی‌تان محفوظ است؛ لطفاً دوباره امتحان کنید.
error-network = ارتباط با تلگرام لحظه‌ای قطع شد و شاید پاسخ کامل به دستتان نرسیده باشد. اطلاعات قبلی‌تان محفوظ است؛ اگر چیزی کم است، دوباره بفرستید.
error-storage = موقتاً نمی‌توانیم چیزی ذخیره کنیم، پس این کارتان ثبت نشد. آنچه پیش‌تر ثبت کرده‌اید محفوظ است؛ لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
storage-failing = ⚠️ پایگاه‌دادهٔ خدمت‌یار نوشته نمی‌شود (دیسک پر یا فقط‌خواندنی است، یا برنامهٔ دیگری قفلش کرده است). بات به کارهایی که نوشتن نمی‌خواهند پاسخ می‌دهد و به بقیه می‌گوید کمی بعد دوباره امتحان کنند؛ همین که نوشتن ممکن شود، خودش ادامه می‌دهد و خبرتان می‌کند.
storage-back = ✅ پایگاه‌دادهٔ خدمت‌یار دوباره نوشته می‌شود و بات مثل همیشه کار می‌کند.
error-admin-notice =
    ⚠️ خطا در خدمت‌یار: <code>{$error}</code>
    جزئیات در گزارش‌های سرور است. این خطا تا راه‌اندازی دوباره فقط یک بار اعلام می‌شود.

## Main menu (reply keyboard) labels.
menu-report = 📝 ثبت گزارش خدمت
menu-my-reports = 🗂 گزارش‌های من
menu-group = 👥 گروه من
menu-help = ❓ راهنما
menu-admin = ⚙️ مدیریت
menu-placeholder = یکی از گزینه‌ها را انتخاب کنید

## Command descriptions for setMyCommands (plain text, 1–256 characters).
command-start = شروع و منوی اصلی
command-report = ثبت گزارش خدمت
command-myreports = گزارش‌های اخیر من
command-group = گروه من، اعضا و لینک دعوت
command-join = پیوستن به گروه با کد دعوت
command-help = راهنما
command-cancel = لغو کار نیمه‌تمام
command-admin = مدیریت (ویژهٔ مدیران)
command-digest = پیش‌نمایش گزارش هفتگی (فقط برای شما)

## Buttons shared by many steps.
button-back = ↩️ بازگشت
button-cancel = ✖️ انصراف
button-skip = رد شدن
button-yes = بله
button-no = خیر
button-next-page = بعدی ◀️
button-prev-page = ▶️ قبلی
stale-button = این دکمه دیگر کار نمی‌کند؛ از منوی پایین دوباره شروع کنید.
stale-step = این دکمه به پرسش قبلی مربوط است؛ لطفاً به آخرین پیام پاسخ دهید.
not-allowed = اجازهٔ این کار را ندارید.

## Configuration errors printed by the command line (plain text).
config-error = تنظیمات نادرست است: «{$key}» — {$why}
config-error-syntax = فایل تنظیمات {$path} خوانده نشد: {$why}
config-error-missing = فایل تنظیمات {$path} پیدا نشد.
config-why-unknown = چنین کلیدی در تنظیمات نداریم (unknown key).
config-why-section = باید یک بخش [جدول] باشد (expected a table).
config-why-int = باید عدد صحیح باشد (expected an integer).
config-why-positive = باید عددی مثبت باشد (expected a positive number).
config-why-int-list = باید فهرستی از شناسه‌های عددی تلگرام باشد، مثل [123456789] (expected a list of integers).
config-why-string = باید متن باشد (expected a string).
config-why-choice = باید یکی از این‌ها باشد: {$choices}
config-why-token = توکن شکل درستی ندارد؛ توکن را از BotFather بگیرید، مثل 123456789:AA… (malformed token).
config-why-url = باید نشانی http یا https باشد (expected an http(s) URL).
config-why-secret = رمز webhook باید دست‌کم ۳۲ نویسهٔ تصادفی از A-Z، a-z، 0-9، _ و - باشد، مثلاً خروجی python3 -c "import secrets; print(secrets.token_urlsafe(32))"؛ یا خالی بگذارید تا بات خودش یکی بسازد و در پایگاه‌داده نگه دارد (weak or malformed webhook secret).
config-why-webhook = در حالت webhook نشانی https لازم است (webhook mode needs an https URL).
config-why-approved = شمردن فقط گزارش‌های تأییدشده وقتی معنا دارد که بررسی گزارش‌ها روشن باشد: [report] review = true (counting approved reports needs review on).
config-why-time = باید ساعت به شکل HH:MM باشد، مثل 18:00 (expected HH:MM).
config-why-timezone = منطقهٔ زمانی شناخته نشد، مثل Asia/Tehran (unknown time zone).
config-why-photos = باید بین ۱ تا ۱۰ باشد (between 1 and 10).

## The flow engine: what every step-by-step flow shares.
button-keep = ↩️ نگه داشتن
field-now = الان: {$value}
flow-busy = «{$flow}» را نیمه‌تمام گذاشته‌اید؛ ادامه‌اش همین‌جاست:
flow-continue = ادامهٔ «{$flow}»:
flow-resume = ▶️ ادامهٔ {$flow}
flow-start-other = 🔄 کنار گذاشتن و شروع {$flow}
flow-confirm-discard = «{$flow}» نیمه‌تمام است و پاسخ‌هایتان پاک می‌شود. کنار گذاشته شود؟
flow-discard-yes = بله، کنار بگذار
flow-discard-no = نه، ادامه می‌دهم
flow-edit-ignored = ویرایش پیام پاسخ را عوض نمی‌کند؛ لطفاً پاسخ را دوباره بفرستید.
flow-reminder = ⏳ «{$flow}» نیمه‌تمام مانده است. ادامه می‌دهید؟
menu-now-yours = منوی پایین صفحه برای نقش تازه‌تان به‌روز شد.
place-ask-province = کدام استان؟ انتخاب کنید یا نام استان را بنویسید.
place-ask-county = کدام شهرستانِ استان {$province}؟ انتخاب کنید یا نامش را بنویسید.
place-use-buttons = لطفاً از دکمه‌ها انتخاب کنید یا نام را بنویسید.
people-matches = چند نفر با «{$query}» پیدا شدند؛ یکی را انتخاب کنید:
people-not-shared = این پیام کسی را معرفی نمی‌کند که بات را شروع کرده باشد. نام، @نام‌کاربری یا شناسهٔ عددی او را بنویسید.
people-picker-button = 👤 انتخاب از مخاطبان تلگرام
people-picker-keyboard = ساده‌ترین راه: دکمهٔ «👤 انتخاب از مخاطبان تلگرام» را در پایین صفحه بزنید و آن فرد را انتخاب کنید.
people-picked = «{$name}» انتخاب شد.
people-someone = این فرد
people-not-started = «{$name}» هنوز خدمت‌یار را آغاز نکرده است. از او بخواهید یک بار ربات را باز کند و «شروع» را بزند، سپس دوباره انتخابش کنید.
picker-closed = این انتخاب به پرسشی تعلق داشت که دیگر باز نیست؛ چیزی تغییر نکرد. از منوی پایین صفحه ادامه دهید.
start-welcome-admin = سلام {$name} 🌱 شما مدیر خدمت‌یار هستید: گروه‌ها، درخواست‌ها و نقش‌ها در «⚙️ مدیریت» است.
start-welcome-coordinator = سلام {$name} 🌱 شما هماهنگ‌کنندهٔ استان هستید: گروه‌ها و درخواست‌های استان در «⚙️ مدیریت» است.
start-welcome-leader = سلام {$name} 🌱 برای ثبت خدمت گروهتان «📝 ثبت گزارش خدمت» را بزنید.

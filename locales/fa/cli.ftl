## The khedmatyar command line (plain text).

cli-description = خدمت‌یار: ربات تلگرام گروه‌های داوطلب (Khedmatyar, a Telegram bot for volunteer groups)
cli-config-help = مسیر فایل تنظیمات TOML (پیش‌فرض: config.toml یا متغیر KHEDMATYAR_CONFIG)
cli-run-help = اجرای ربات با سرور Bot API تنظیم‌شده؛ بدون توکن، نسخهٔ نمایشی اجرا می‌شود
cli-demo-help = نسخهٔ نمایشی آفلاین: شبیه‌ساز تلگرام، گفت‌وگوی وب فارسی و داده‌های نمونه
cli-port-help = درگاه گفت‌وگوی وب روی 127.0.0.1 (پیش‌فرض 8080)
cli-data-help = پوشهٔ پایگاه‌دادهٔ نسخهٔ نمایشی (پیش‌فرض .demo)
cli-db-help = کارهای پایگاه‌داده
cli-migrate-help = اعمال مهاجرت‌هایی که پایگاه‌داده ندارد و داده‌های پایه (پایگاه‌دادهٔ نسخه‌ای تازه‌تر را نمی‌پذیرد)
cli-backup-help = پشتیبان‌گیری امن از پایگاه‌داده، حتی وقتی ربات در حال اجراست
cli-migrated = پایگاه‌دادهٔ {$path} به‌روز است.
cli-migrations-applied = مهاجرت‌های {$versions} اعمال شد.
cli-schema-newer = پایگاه‌دادهٔ {$path} مهاجرت‌هایی دارد که این نسخهٔ خدمت‌یار نمی‌شناسد ({$versions})؛ نسخه‌ای تازه‌تر آن را ساخته است. همان نسخه را اجرا کنید، یا پشتیبانی را برگردانید که با این نسخه ساخته شده است.
cli-schema-behind = پایگاه‌دادهٔ {$path} از این نسخه عقب است: مهاجرت‌های {$versions} روی آن اجرا نشده است. اول پشتیبان بگیرید (khedmatyar db backup PATH)، بعد khedmatyar db migrate را اجرا کنید.
cli-schema-counting = پایگاه‌دادهٔ {$path} آمار را به قاعدهٔ قدیمی‌تری می‌شمارد (این نسخه قاعدهٔ شمارش را تغییر داده است). اول پشتیبان بگیرید (khedmatyar db backup PATH)، بعد khedmatyar db migrate را اجرا کنید تا آمار از روی گزارش‌ها دوباره شمرده شود.
cli-database-unusable = پایگاه‌دادهٔ {$path} باز یا نوشته نمی‌شود: {$why}. آیا دیسک پر یا فقط‌خواندنی است، یا این فایل پایگاه‌دادهٔ خدمت‌یار نیست؟
cli-instance-busy = پایگاه‌دادهٔ {$path} در دست ربات دیگری است (pid {$pid} روی {$host}، از {$since})؛ دو ربات روی یک پایگاه‌داده کار نمی‌کنند. اگر آن یکی را نمی‌خواهید، اول متوقفش کنید.
cli-instance-busy-unknown = پایگاه‌دادهٔ {$path} در دست ربات دیگری است؛ دو ربات روی یک پایگاه‌داده کار نمی‌کنند. اگر آن یکی را نمی‌خواهید، اول متوقفش کنید.
cli-status-help = کدام ربات پایگاه‌داده را پاسخ می‌دهد و کدام‌ها در انتظار جانشینی‌اند
cli-status-serving = پایگاه‌دادهٔ {$path} را این ربات پاسخ می‌دهد: pid {$pid} روی {$host}، از {$since}
cli-status-unnamed = پایگاه‌دادهٔ {$path} در دست فرایندی است که نام خود را نگفته است.
cli-status-nobody = هیچ رباتی اکنون پایگاه‌دادهٔ {$path} را پاسخ نمی‌دهد.
cli-status-waiting = در انتظار، آمادهٔ جانشینی: pid {$pid} روی {$host}، از {$since}
cli-status-no-standby = هیچ رباتی در انتظار نیست؛ اگر این یکی از کار بیفتد، ربات دیگری جایش را نمی‌گیرد.
cli-backed-up = نسخهٔ پشتیبان در {$path} ذخیره شد.
cli-port-busy = درگاه {$port} روی 127.0.0.1 در دسترس نیست ({$why})؛ درگاه دیگری بدهید، مثلاً: make run PORT=8090
cli-no-database = پایگاه‌داده‌ای در {$path} نیست.
cli-no-token = توکن تلگرام تنظیم نشده است؛ نسخهٔ نمایشی آفلاین اجرا می‌شود. (No token configured: starting the offline demo.)
cli-demo-ready =
    ✅ نسخهٔ نمایشی خدمت‌یار آماده است (Khedmatyar demo is running):
       گفت‌وگوی وب: {$url}
       سرور Bot API شبیه‌سازی‌شده: {$api}
    برای پایان Ctrl+C را بزنید.
cli-backup-is-folder = {$path} یک پوشه است؛ نام فایل پشتیبان را بدهید، مثلاً {$path}/khedmatyar.db
cli-backup-is-live = {$path} خودِ پایگاه‌دادهٔ ربات یا یکی از فایل‌های آن (-wal، -shm) است؛ پشتیبان را در فایل دیگری بنویسید، مثلاً /backups/khedmatyar.db
cli-backup-not-database = {$path} هست و پایگاه‌داده نیست؛ پشتیبان فقط جای پشتیبان قبلی را می‌گیرد. نام فایل دیگری بدهید.
cli-backup-failed = پشتیبان در {$path} نوشته نشد: {$why}. آیا پوشه‌اش هست و اجازهٔ نوشتن دارید؟
cli-backup-postgresql = پایگاه‌دادهٔ {$path} از PostgreSQL است و پشتیبانش با ابزار خود PostgreSQL گرفته می‌شود، نه با این فرمان: pg_dump برای یک نسخهٔ کامل (مثلاً pg_dump -Fc -f khedmatyar.dump و نشانی پایگاه‌داده)، یا پشتیبان پایه با pg_basebackup و بایگانی WAL برای برگرداندن تا هر لحظه. پشتیبانی گرفته نشد.
cli-copy-help = رونوشت پایگاه‌دادهٔ SQLite ([database] path) در یک پایگاه‌دادهٔ خالی PostgreSQL، حتی وقتی ربات در حال اجراست، با سنجش همهٔ جدول‌ها
cli-copy-to-help = نشانی پایگاه‌دادهٔ PostgreSQL مقصد، مثلاً postgresql://khedmatyar@localhost/khedmatyar
cli-copy-table = {$table}: {$rows} ردیف، با همان شمار و همان چکیده
cli-copied = پایگاه‌دادهٔ {$path} در {$url} رونوشت شد: {$tables} جدول و {$rows} ردیف، همه با همان شمار و همان چکیده. حالا در تنظیمات، [database] url را همین نشانی بگذارید و ربات را دوباره راه بیندازید.
cli-copy-not-empty = پایگاه‌دادهٔ {$url} خالی نیست (در جدول‌های {$details} ردیف هست)؛ رونوشت فقط در پایگاه‌داده‌ای خالی نوشته می‌شود. پایگاه‌دادهٔ تازه‌ای بسازید (createdb) و دوباره بفرستید.
cli-copy-tables-differ = جدول‌های {$url} با جدول‌های {$path} یکی نیست ({$details})؛ آیا هر دو با همین نسخهٔ خدمت‌یار به‌روز شده‌اند (khedmatyar db migrate)؟ چیزی نوشته نشد.
cli-copy-mismatch = رونوشت با اصل نخواند ({$details})؛ هیچ چیز در {$url} نوشته نشد.
cli-copy-failed = رونوشت در {$url} نوشته نشد: {$why}. آیا PostgreSQL در دسترس است و این کاربر اجازهٔ ساختن جدول در آن را دارد؟
cli-channel-help = کانال‌هایی که گزارش هفتگی را می‌گیرند
cli-channel-add-help = افزودن کانال (ربات باید در آن مدیر و مجاز به ارسال باشد)
cli-channel-list-help = فهرست کانال‌ها
cli-channel-remove-help = برداشتن کانال
cli-channel-chat-help = شناسهٔ عددی کانال، مثل -1001234567890
cli-channel-title-help = نام کانال برای فهرست‌ها
cli-channel-bad-chat = «{$chat}» شناسهٔ کانال نیست؛ شناسهٔ عددی آن را بدهید، مثل -1001234567890.
cli-channel-added = کانال {$chat} با دامنهٔ {$scope} اضافه شد.
cli-channel-updated = کانال {$chat} از قبل بود؛ دامنه‌اش {$scope} شد و ارسال به آن از سر گرفته شد.
cli-channel-removed = کانال {$chat} برداشته شد.
cli-channel-unknown = کانال {$chat} در فهرست نیست.
cli-channel-none = هنوز کانالی اضافه نشده است.
cli-channel-paused = (متوقف)

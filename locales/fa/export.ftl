## Exports of reports (XLSX / CSV) and the `khedmatyar export` command (plain text).

## Column headers of the reports sheet (and of the CSV).
export-col-receipt = شمارهٔ رسید
export-col-group = گروه
export-col-campaign = پویش
export-col-province = استان
export-col-county = شهرستان
export-col-place = محل
export-col-area = حوزهٔ خدمت
export-col-service = نوع خدمت
export-col-unit = واحد
export-col-quantity = تعداد
export-col-beneficiaries = بهره‌مندان
export-col-volunteers = داوطلبان
export-col-date-jalali = تاریخ خدمت (شمسی)
export-col-date = تاریخ خدمت (میلادی)
export-col-status = وضعیت
export-col-reporter = گزارش‌دهنده
export-col-created = زمان ثبت (تهران)
export-col-description = توضیح
export-col-photos = تعداد عکس

export-status-submitted = ثبت‌شده
# A report not yet reviewed, when reports are reviewed (as «گزارش‌های من» names it).
export-status-waiting = در انتظار بررسی
export-status-approved = تأییدشده
export-status-returned = برگشت‌خورده
export-status-deleted = حذف‌شده

## Sheet names (at most 31 characters) and the summary sheets.
export-sheet-reports = گزارش‌ها
export-sheet-services = خلاصه بر اساس خدمت
export-sheet-provinces = خلاصه بر اساس استان
export-sum-reports = گزارش‌ها
export-sum-total = جمع
# Unlike units do not add up: quantities are summed per unit.
export-sum-unit = جمع {$unit}
export-col-quantity-unit = تعداد ({$unit})

## The command line.
export-help = خروجی XLSX یا CSV از گزارش‌های خدمت در یک بازهٔ تاریخ شمسی
export-from-help = از تاریخ خدمت (شمسی)، مثلاً 1405/08/01
export-to-help = تا تاریخ خدمت (شمسی، خودش هم جزو بازه است)، مثلاً 1405/08/30
export-format-help = قالب فایل: xlsx یا csv (پیش‌فرض: از پسوند فایل، وگرنه xlsx)
export-out-help = مسیر فایل خروجی
export-province-help = فقط این استان (چند بار هم می‌شود داد)
export-campaign-help = فقط گزارش‌های پویش با این شماره
export-status-help = فقط این وضعیت (چند بار هم می‌شود داد)؛ پیش‌فرض همه جز حذف‌شده‌ها
export-hxl-help = افزودن ردیف برچسب‌های HXL زیر سرستون‌ها
export-progress = {$bar} {$percent}  {$done} از {$total} گزارش
export-done = ✅ {$rows} گزارش در {$path} نوشته شد.
export-empty = در این بازه گزارشی نبود؛ فایل {$path} فقط سرستون‌ها را دارد.
export-error-date = تاریخ «{$text}» خوانده نشد: {$why}
export-error-range = تاریخ پایان ({$end}) پیش از تاریخ شروع ({$start}) است.
export-error-province = استانی به نام «{$name}» پیدا نشد.
export-error-province-many = «{$name}» با چند استان جور درمی‌آید: {$names}. نام کامل‌تر را بنویسید.
export-error-campaign = پویشی با شمارهٔ {$id} نیست.
export-error-campaign-number = شمارهٔ پویش باید عدد باشد، نه «{$text}».
export-error-output = در {$path} نمی‌توان نوشت ({$why}).
export-error-database = پایگاه‌دادهٔ {$path} خوانده نشد ({$why}).
export-why-no-folder = چنین پوشه‌ای نیست
export-why-denied = اجازهٔ نوشتن نیست
export-why-folder = این نشانی یک پوشه است، نه فایل

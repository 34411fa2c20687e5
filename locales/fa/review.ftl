# Review of reports by the province's coordinators (and admins), and the flags they see.

menu-review = 📥 بررسی گزارش‌ها
command-review = بررسی گزارش‌های در صف
help-review = 📥 /review — بررسی گزارش‌های تازهٔ استان، یکی‌یکی با عکس‌ها و هشدارها. برای گرفتن گزارش‌های تازه در یک گروه تلگرامی، مرا به گروه اضافه کنید و آنجا /review را بفرستید.
config-why-bool = باید true یا false باشد (expected true or false).

review-off = بررسی گزارش‌ها روشن نیست: هر گزارش همان وقت ثبت در آمار شمرده می‌شود. گزارش‌ها را در «{ menu-stats }» و «{ menu-export }» ببینید.
review-empty = 🎉 گزارشی در صف بررسی نیست.
review-refresh = 🔄 دوباره نگاه کن
review-card-title = 📥 گزارش <b>{$receipt}</b>
review-card-position = ({$position} از {$total} در صف)
review-card-group = گروه: {$group} · گزارش‌دهنده: {$reporter}
review-card-saved = ثبت: {$when}
review-card-history = سابقهٔ گروه در ۴ هفتهٔ اخیر: {$reports} گزارش، {$quantity} خدمت
review-card-returned = تاکنون {$returned} گزارش از این گروه برگشت خورده است.
review-card-note = دلیل بازگشت قبلی: {$note}
review-changes-title = ✏️ تغییرهای گزارش‌دهنده پس از بازگشت:
review-changes-none = ✏️ گزارش‌دهنده آن را بدون تغییر دوباره فرستاده است.
# One field changed since the return: «تاریخ: ۱ آبان ← ۱۰ آذر».
review-change-line = • { $field ->
    [campaign_id] پویش
    [category_id] خدمت
    [quantity] تعداد
    [beneficiaries] بهره‌مندان
    [volunteers] داوطلبان
    [county_id] شهرستان
    [place] محل
    [service_date] تاریخ
    [description] توضیح
   *[photos] شمار عکس‌ها
}: {$old} ← {$new}
# A field changed whose values read the same (other photos, as many; the point on the map).
review-change-replaced = • { $field ->
    [latitude] موقعیت روی نقشه
    [description] توضیح
    [place] محل
   *[photos] عکس‌ها
} عوض شده است.
review-flag-duplicate = ⚠️ شاید تکراری باشد: همین گروه، خدمت، تاریخ و تعداد در گزارش {$receipt}
review-flag-photo = ⚠️ عکس تکراری: این عکس در گزارش {$receipt} هم آمده است.
review-flag-outlier = ⚠️ تعداد خیلی بیشتر از معمول این گروه برای این خدمت است (معمولاً حدود {$usual} {$unit}).
review-view-other = 🔎 دیدن {$receipt}
review-approve = ✅ تأیید
review-return = ↩️ بازگرداندن با دلیل
review-next = { button-next-page }
review-previous = { button-prev-page }
review-photos = 🖼 عکس‌ها ({$count})
review-photos-caption = 🖼 عکس‌های گزارش {$receipt} («{$group}»)
review-back-to = ↩️ برگشت به {$receipt}
review-close = 🏠 بستن
review-approve-group = ✅ تأیید یکجای گزارش‌های این گروه
review-closed = هر وقت خواستید، از «📥 بررسی گزارش‌ها» ادامه دهید.
review-reasons-title = دلیل بازگرداندن گزارش {$receipt} را انتخاب کنید.
review-reason-photo = عکس ندارد یا واضح نیست
review-reason-quantity = تعداد درست به نظر نمی‌رسد
review-reason-service = نوع خدمت اشتباه است
review-reason-date = تاریخ اشتباه است
review-reason-other = ✍️ دلیل دیگر (بنویسید)
review-ask-reason = دلیل بازگرداندن گزارش {$receipt} را کوتاه بنویسید:
review-reason-too-long = دلیل کوتاه‌تر بنویسید؛ حداکثر {$max} نویسه.
review-reason-cancelled = گزارش بازگردانده نشد و در صف ماند.
flow-name-review = بازگرداندن گزارش

review-approved-toast = تأیید شد ✅
review-returned-toast = بازگردانده شد ↩️
review-done-approved = ✅ {$name} تأیید کرد.
review-done-returned = ↩️ {$name} بازگرداند: {$reason}
review-done-deleted = 🗑 گزارش‌دهنده این گزارش را حذف کرده است.
review-done-waiting = ⏳ گزارش‌دهنده در حال اصلاح این گزارش است.
review-late = { $status ->
    [approved] این گزارش را {$name} {$ago} تأیید کرد.
   *[returned] این گزارش را {$name} {$ago} بازگرداند.
}
review-late-self = { $status ->
    [approved] این گزارش را شما {$ago} تأیید کردید.
   *[returned] این گزارش را شما {$ago} بازگرداندید.
}
review-ago-moments = چند لحظه پیش
review-ago-minutes = {$minutes} دقیقه پیش
review-ago-hours = {$hours} ساعت پیش
review-ago-long = در {$when}
review-someone = هماهنگ‌کننده‌ای
review-stale = گزارش‌دهنده این گزارش را پس از نمایش این کارت ویرایش کرده است؛ نسخهٔ تازه را ببینید و دوباره تصمیم بگیرید.
review-stale-line = ✏️ این نسخهٔ تازهٔ گزارش است؛ گزارش‌دهنده پس از کارت قبلی آن را ویرایش کرد.
review-stored-anyway = ✅ تصمیم شما دربارهٔ گزارش {$receipt} ثبت شد، ولی ارتباط با تلگرام لحظه‌ای قطع شد و صفحهٔ بعد نرسید. برای ادامه «{ menu-review }» را بزنید.
review-photos-gone = { $all ->
    [yes] 🖼 عکس‌های این گزارش دیگر در تلگرام در دسترس نیست.
   *[no] 🖼 {$count} عکس از این گزارش دیگر در تلگرام در دسترس نیست؛ بقیه بالاتر آمده است.
}

review-together-ask = {$count} گزارش بدون هشدار از «{$group}» در صف بررسی شماست. همه با هم تأیید شوند؟
review-together-line = • {$receipt}: {$service}، {$quantity} {$unit} ({$date})
review-together-line-more = • و {$count} گزارش دیگر
review-together-total = جمع: {$units}
review-together-flagged = {$flagged} گزارش دارای هشدار کنار می‌ماند تا یکی‌یکی بررسی کنید.
review-together-yes = ✅ بله، {$count} گزارش تأیید شود
review-together-none = همهٔ گزارش‌های این گروه در صف هشدار دارند؛ لطفاً یکی‌یکی بررسی کنید.
review-together-changed = صف این گروه در این فاصله تغییر کرد؛ شمار تازه را ببینید و دوباره تأیید کنید.
review-together-toast = {$count} گزارش تأیید شد ✅
review-together-done = ✅ {$count} گزارش «{$group}» تأیید شد.
review-together-more = ، و {$count} گزارش دیگر

review-returned-notice =
    ↩️ گزارش {$receipt} ({$service} — {$quantity} {$unit}) برای اصلاح برگشت خورد.
    بازگرداننده: {$name}
    دلیل: {$reason}
    لطفاً آن را اصلاح و دوباره ثبت کنید.
review-fix = ✏️ اصلاح گزارش {$receipt}
review-approved-notice = ✅ گزارش {$receipt} ({$service} — {$quantity} {$unit}) تأیید شد. سپاس از زحمتتان.
review-approved-many-notice = ✅ {$count} گزارش شما تأیید شد: {$receipts}. سپاس از زحمتتان.
review-fix-reason = ↩️ دلیل بازگشت: {$reason}
# «✏️ اصلاح گزارش» on a return notice, pressed after the report moved on.
review-fix-moot = { $status ->
    [approved] گزارش {$receipt} تأیید شده است و دیگر اصلاح لازم ندارد.
    [deleted] گزارش {$receipt} حذف شده است.
   *[submitted] گزارش {$receipt} اصلاح و دوباره برای بررسی فرستاده شده است. اگر باز هم تغییری لازم است، از «{ menu-my-reports }» ویرایشش کنید.
}
myreports-status-pending = در انتظار بررسی ⏳
review-myreports-reason = {"   "}↩️ دلیل: {$reason}
# The receipt's one line for a report waiting for review: whose queue ($queue) and, when only
# approved reports count (-counted), that it counts once approved. 📥 as the queue's own sign:
# ⏳ is the figures' «… در انتظار بررسی» (stats-waiting), already on the week's line.
review-pending-line = 📥 این گزارش در صف بررسی {$queue} است.
review-pending-line-counted = 📥 این گزارش در صف بررسی {$queue} است و پس از تأیید در آمار شمرده می‌شود.
review-resubmitted = 📥 گزارش اصلاح‌شده برای بررسی دوباره به صف {$queue} رفت.
review-resubmitted-counted = 📥 گزارش اصلاح‌شده برای بررسی دوباره به صف {$queue} رفت و پس از تأیید در آمار شمرده می‌شود.
review-queue-coordinators = هماهنگ‌کنندگان استان {$province}
# A province with no coordinator: only the admins review its reports.
review-queue-admins = مدیران

review-warn-duplicate = ⚠️ گزارشی با همین گروه، خدمت، تاریخ و تعداد قبلاً ثبت شده است ({$receipt}). اگر تکراری نیست ثبت کنید؛ وگرنه آن را ویرایش یا لغو کنید.
review-warn-photo = ⚠️ عکسی از این گزارش در گزارش {$receipt} هم آمده است. اگر اشتباهی فرستاده‌اید، عکس‌ها را ویرایش کنید.

review-chat-linked = ✅ از این پس گزارش‌های تازهٔ {$scope} برای بررسی در این گروه فرستاده می‌شود. فقط دکمه‌های هماهنگ‌کنندگان همان استان و مدیران پذیرفته می‌شود. برای قطع، در همین گروه /review_off را بفرستید.
review-chat-all = همهٔ استان‌ها
review-chat-provinces = { $several ->
    [yes] استان‌های {$names}
   *[no] استان {$names}
}
review-chat-unlinked = دیگر گزارشی برای بررسی به این گروه فرستاده نمی‌شود.
review-ask-reason-hint = لطفاً دلیل را با چند کلمه بنویسید.

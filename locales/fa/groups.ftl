## Onboarding: joining a group by invite, creating a group.

onboarding-choose =
    برای شروع یکی را انتخاب کنید:
    • گروه‌های شهرتان را پیدا کنید و درخواست پیوستن بدهید.
    • اگر سرگروهتان لینک یا کد دعوت فرستاده است، با آن به گروه بپیوندید.
    • اگر سرگروه هستید، گروهتان را بسازید.
onboarding-find = 🔎 پیدا کردن گروهی نزدیک من
onboarding-join = 🔗 پیوستن با کد دعوت
onboarding-create = ➕ ساختن گروه تازه
onboarding-request = ➕ درخواست ساختن گروه

join-ask-code = کد دعوت گروه را بفرستید (۱۲ حرف و رقم؛ مثلاً <code>k7m2p9x4qabc</code>). لینک دعوت را هم می‌توانید همین‌جا بفرستید.
join-bad-code = این کد دعوت درست نیست. کد را همان‌طور که سرگروه فرستاده است بنویسید؛ مثلاً <code>k7m2p9x4qabc</code>.
join-invalid = این دعوت دیگر معتبر نیست. از سرگروهتان لینک تازه بخواهید.
join-already = شما عضو «{$group}» هستید.
join-confirm =
    دعوت به <b>{$group}</b>
    📍 {$place}
    {$specialty}
    👥 {$members} عضو

    عضو این گروه می‌شوید؟
join-yes = ✅ بله، عضو می‌شوم
join-no = ✖️ خیر
join-declined = عضو این گروه نشدید. هر وقت خواستید، با کد دعوت دیگری بپیوندید.
join-done = به «{$group}» خوش آمدید 🌱 کارت گروه و کارنامه‌اش را در «👥 گروه من» ببینید.
join-leader-notice = 👋 {$name} با لینک دعوت به «{$group}» پیوست.

## Asking to join a group from its public card (/find), and the leaders' answer.
joinreq-ask = 🙋 درخواست پیوستن
joinreq-confirm = درخواست پیوستن به «{$group}» برای سرگروهش فرستاده شود؟ سرگروه نام شما را می‌بیند و پاسخش را همین‌جا به شما خبر می‌دهیم.
joinreq-send = ✅ بله، بفرست
joinreq-sent = ✅ درخواست پیوستن به «{$group}» برای سرگروهش فرستاده شد. پاسخ را همین‌جا به شما خبر می‌دهیم.
joinreq-open = درخواست پیوستن شما به «{$group}» پیش‌تر فرستاده شده و در انتظار پاسخ سرگروه است.
joinreq-declined-lately = سرگروه «{$group}» به‌تازگی درخواست شما را نپذیرفته است؛ گروه دیگری را امتحان کنید.
joinreq-too-many = {$max} درخواست پیوستن شما هنوز بی‌پاسخ مانده است؛ تا پاسخ یکی از آن‌ها نرسیده، درخواست تازه‌ای فرستاده نمی‌شود.
# To each leader of the group; $handle: « (@username)» or nothing.
joinreq-notice = 🙋 <b>{$name}</b>{$handle} می‌خواهد به «{$group}» بپیوندد. او گروه را با جستجو پیدا کرده است.
joinreq-accept = ✅ پذیرفتن
joinreq-decline = ✖️ نپذیرفتن
joinreq-decline-confirm = درخواست {$name} برای پیوستن به «{$group}» پذیرفته نشود؟ به او خبر داده می‌شود.
joinreq-decline-yes = بله، نپذیر
joinreq-accepted = ✅ {$name} به «{$group}» پیوست.
joinreq-declined = درخواست {$name} برای پیوستن به «{$group}» پذیرفته نشد.
joinreq-dropped = این گروه دیگر فعال نیست و درخواست بسته شد.
joinreq-you-accepted = ✅ درخواست پیوستن شما پذیرفته شد؛ به «{$group}» خوش آمدید 🌱
joinreq-you-declined = درخواست پیوستن شما به «{$group}» این بار پذیرفته نشد. می‌توانید گروه دیگری پیدا کنید.

newgroup-ask-name = نام گروه را بنویسید؛ مثلاً «گروه جهادی امید».
newgroup-bad-name = نام گروه باید {$min} تا {$max} نویسه باشد و دست‌کم یک حرف داشته باشد. دوباره بنویسید.
newgroup-ask-specialty = تخصص اصلی گروه چیست؟
newgroup-no-specialty = چندحوزه‌ای
newgroup-confirm =
    لطفاً بررسی کنید:
    نام: <b>{$name}</b>
    محل: {$place}
    تخصص: {$specialty}
newgroup-duplicate = ⚠️ گروهی با نام مشابه «{$other}» در همین شهرستان هست. اگر همان گروه شماست، به‌جای ساختن گروه تازه از سرگروهش لینک دعوت بخواهید.
newgroup-create = ✅ ساختن گروه
newgroup-request = ✅ ارسال درخواست
newgroup-edit-name = ✏️ نام
newgroup-created =
    ✅ «{$group}» ساخته شد و شما سرگروه آن هستید.

    اعضا را با این لینک دعوت کنید:
    {$link}
    کد دعوت، برای کسی که لینک برایش باز نمی‌شود: <code>{$code}</code>
newgroup-requested = درخواست ساختن «{$group}» ثبت شد. پس از تأیید مدیر یا هماهنگ‌کنندهٔ استان خبرتان می‌کنیم.
newgroup-pending-notice =
    📝 درخواست ساختن گروه تازه:
    نام: <b>{$group}</b>
    محل: {$place}
    درخواست‌دهنده: {$name}
approval-approve = ✅ تأیید
approval-reject = ❌ رد
approval-approved = «{$group}» تأیید شد.
approval-rejected = درخواست «{$group}» رد شد.
approval-already = به این درخواست قبلاً رسیدگی شده است.
approval-you-approved =
    ✅ «{$group}» تأیید شد و شما سرگروه آن هستید.

    اعضا را با این لینک دعوت کنید:
    {$link}
approval-you-rejected = متأسفانه درخواست ساختن «{$group}» تأیید نشد. برای توضیح با هماهنگ‌کنندهٔ استان تماس بگیرید.

search-none = چیزی با «{$query}» پیدا نشد. از دکمه‌ها انتخاب کنید یا نام دیگری بنویسید.
search-many = چند مورد با «{$query}» پیدا شد؛ یکی را انتخاب کنید:
use-buttons = لطفاً یکی از دکمه‌ها را بزنید.
## The group card and its management.

group-none = هنوز عضو گروهی نیستید.
group-pick = کدام گروه؟
group-card =
    👥 <b>{$group}</b>
    📍 {$place}
    🏷 تخصص: {$specialty}
    { $several ->
        [yes] سرگروه‌ها
       *[no] سرگروه
    }: {$leaders}
    تعداد اعضا: {$members}
group-card-pending = ⏳ در انتظار تأیید
# The group's run of Saturday–Friday weeks with a report; «open»: this week has none yet.
group-card-streak = 🔥 { $weeks } هفتهٔ پیاپی گزارش داده‌اید
group-card-streak-open = 🔥 { $weeks } هفتهٔ پیاپی گزارش داده‌اید؛ با گزارشی در این هفته ادامه پیدا می‌کند.
group-card-invite =
    🔗 لینک دعوت: {$link}
    کد دعوت: <code>{$code}</code>
group-card-no-invite = 🔗 این گروه لینک دعوت فعالی ندارد.
group-members = 👥 اعضا
group-new-invite = 🔄 لینک دعوت تازه
group-revoke-invite = 🚫 لغو لینک دعوت
group-leave = 🚪 خروج از گروه
group-step-down = کناره‌گیری از سرگروهی
group-back-to-card = ↩️ کارت گروه
group-members-title = اعضای «{$group}» ({$count} نفر). برای مدیریت هر عضو، روی نامش بزنید:
group-member-leader = ⭐️ {$name}
group-member-card =
    {$name}
    نقش: {$role}
group-role-leader = سرگروه
group-role-member = عضو
group-remove = ❌ حذف از گروه
group-promote = ⭐️ سرگروه کردن
group-demote = برداشتن از سرگروهی
group-remove-confirm = {$name} از «{$group}» حذف شود؟
group-removed = {$name} از گروه حذف شد.
group-you-were-removed = شما دیگر عضو «{$group}» نیستید.
group-promoted = {$name} حالا سرگروه است.
group-you-were-promoted = ⭐️ شما سرگروه «{$group}» شدید.
# A transfer by an admin: the former leaders are members now.
group-leadership-passed = سرگروهی «{$group}» به {$name} سپرده شد؛ شما همچنان عضو این گروه هستید.
group-demoted = {$name} دیگر سرگروه نیست.
group-last-leader = گروه بدون سرگروه نمی‌ماند. اول یک نفر دیگر را سرگروه کنید.
group-leave-confirm = از «{$group}» خارج می‌شوید؟
group-left = از «{$group}» خارج شدید.
group-invite-new = لینک دعوت تازه ساخته شد و لینک قبلی دیگر کار نمی‌کند.
group-invite-revoked = لینک دعوت لغو شد.
group-invite-made = لینک دعوت تازه ساخته شد.
group-invite-none = لینک دعوت فعالی نبود.
group-invite-confirm = لینک دعوت تازه‌ای برای «{$group}» ساخته شود؟ لینکی که تا حالا فرستاده‌اید دیگر کار نمی‌کند.
group-member-gone = این فرد دیگر عضو گروه نیست.
group-gone = این گروه دیگر فعال نیست.
place = {$county}، استان {$province}
specialty-line = 🏷 تخصص: {$specialty}
group-you-stepped-down = دیگر سرگروه «{$group}» نیستید و عضو آن می‌مانید.

join-unknown-code = این کد دعوت پیدا نشد. کد را همان‌طور که سرگروه فرستاده است بنویسید یا لینک دعوت را بفرستید.
newgroup-edit-place = ✏️ محل
newgroup-type-name = لطفاً نام گروه را بنویسید.
group-you-were-demoted = دیگر سرگروه «{$group}» نیستید و عضو آن می‌مانید.
approval-reject-confirm = درخواست «{$group}» رد شود؟ این کار برگشت ندارد و به درخواست‌کننده خبر داده می‌شود.
approval-reject-yes = بله، رد شود
group-share-invite = 📤 فرستادن لینک دعوت
group-copy-invite = 📋 کپی لینک دعوت
share-card = ↗️ هم‌رسانی کارت گروه
share-open-bot = 🤖 خدمت‌یار
share-card-footer = <i>از خدمت‌یار، ربات گزارش خدمات داوطلبانه</i>
group-share-text = به { NAMED("گروه", $group) } در خدمت‌یار بپیوندید:
group-chat-hello = سلام 🌱 من خدمت‌یارم. ثبت گزارش و آمار در گفت‌وگوی خصوصی با من است؛ برای شروع دکمهٔ زیر را بزنید.
group-reminders-on = 🔔 یادآوری هفتگی: روشن
group-reminders-off = 🔕 یادآوری هفتگی: خاموش
reminder-text = 🌱 این هفته هنوز گزارشی از «{$group}» ثبت نشده است. اگر خدمتی انجام داده‌اید، ثبت گزارشش چند دقیقه بیشتر طول نمی‌کشد.
# Instead of reminder-text when the group has reported several weeks in a row up to last week.
reminder-text-streak = 🔥 هنوز این هفته برای «{$group}» گزارش نداده‌اید؛ { $weeks } هفتهٔ پیاپی را نگه دارید.
reminder-report = 📝 ثبت گزارش
reminder-off = 🔕 دیگر یادآوری نکن
reminder-turned-off = یادآوری هفتگی این گروه خاموش شد؛ از کارت گروه دوباره روشنش کنید.
reminder-turned-on = یادآوری هفتگی این گروه روشن شد.

## Managing campaigns (edit, province shares) and service types with their units.

# Editing a campaign: the review screen of the campaign flow.
camp-edit = ✏️ ویرایش «{ $title }»
manage-edit-title = ✏️ نام
manage-edit-target = ✏️ هدف
manage-edit-start = ✏️ آغاز
manage-edit-end = ✏️ پایان
manage-edit-types = ✏️ خدمت‌ها
manage-edit-shares = 🧩 سهم استان‌ها
manage-save = 💾 ذخیره
manage-saved = ✅ تغییرهای «{ $title }» ذخیره شد.
manage-campaign-gone = این پویش دیگر باز نیست یا اجازهٔ ویرایشش را ندارید؛ چیزی تغییر نکرد.
manage-no-markup = نشانه‌های < و > در نام پویش پذیرفته نیست؛ نام را دوباره بنویسید.
manage-end-before-start = روز پایان پیش از روز آغاز تازه است؛ روز پایان را دوباره بنویسید.
manage-reports-outside = ⚠️ { $count } گزارش این پویش بیرون از این تاریخ‌هاست؛ همچنان برای پویش شمرده می‌شوند.
manage-pick-types = ☑️ چند خدمت به انتخاب
manage-ask-pick = خدمت‌هایی را که در این پویش شمرده شوند بزنید ({ $count } مورد انتخاب شده)؛ بعد «تمام» را بزنید.
manage-type-on = ✅ { $name }
manage-type-off = { $name }
manage-pick-done = ✔️ تمام
manage-pick-none = دست‌کم یک خدمت را انتخاب کنید.
manage-types-picked = { $count } خدمت: { $names }

# Province shares of a national campaign's target.
manage-shares-title = 🧩 سهم استان‌ها از هدف «{ $title }»:
manage-shares-none = هنوز سهمی برای استانی ننوشته‌اید.
manage-share-line = • { $name }: { $share }
manage-shares-total = جمع سهم‌ها: { $total } از هدف { $target }
manage-shares-over = ⚠️ جمع سهم‌ها { $gap } بیشتر از هدف است؛ اگر عمدی است، اشکالی ندارد.
manage-shares-under = ⚠️ جمع سهم‌ها { $gap } کمتر از هدف است؛ اگر عمدی است، اشکالی ندارد.
manage-shares-brief = 🧩 سهم { $count } استان نوشته شده است.
manage-share-add = ➕ سهم یک استان
manage-share-remove = 🗑 { $name }
manage-ask-share-province = سهم کدام استان را می‌نویسید؟ استان را بزنید یا نامش را بنویسید.
manage-ask-share = سهم استان { $name } از هدف { $target } خدمت چند است؟ یک عدد بنویسید.
manage-bad-share = سهم را یک عدد درست بزرگ‌تر از صفر بنویسید؛ مثلاً ۵۰۰.

# «🗂 انواع خدمت»: areas, their types and units.
flow-name-service-type = نوع خدمت
types-menu = 🗂 انواع خدمت
types-title = 🗂 <b>انواع خدمت و واحدهایشان</b>. برای افزودن یا تغییر، حوزه را بزنید.
types-area = <b>{ $name }</b>
types-line = • { $name } — { $unit }
types-line-retired = • <s>{ $name }</s> — { $unit } (از فهرست برداشته‌شده)
types-button = { $name }
types-button-retired = 🗄 { $name }
types-area-title = حوزهٔ <b>{ $name }</b>: { $count } نوع خدمت. برای تغییر، روی یکی بزنید.
types-add = ➕ نوع خدمت تازه
types-card =
    🏷 <b>{ $name }</b>
    حوزه: { $area }
    واحد: { $unit }
    گزارش‌های ثبت‌شده: { $reports }
types-card-retired = 🗄 از فهرست برداشته شده: در گزارش‌های تازه نمی‌آید؛ گزارش‌های قبلی سر جایشان هستند.
types-rename = ✏️ نام
types-change-unit = ✏️ واحد
types-retire = 🗄 برداشتن از فهرست
types-restore = ♻️ بازگرداندن به فهرست
types-retire-confirm = «{ $name }» از فهرست برداشته شود؟ دیگر در گزارش‌های تازه نمی‌آید، ولی گزارش‌های قبلی با همین نام می‌مانند و شمرده می‌شوند.
types-retired = 🗄 «{ $name }» از فهرست برداشته شد.
types-restored = ♻️ «{ $name }» دوباره در گزارش‌های تازه می‌آید.
types-ask-name = نام نوع خدمت تازه در حوزهٔ { $area } را بنویسید؛ مثلاً «توزیع پتو».
types-ask-rename = نام تازهٔ این نوع خدمت را بنویسید.
types-ask-unit = «{ $name }» با چه واحدی شمرده می‌شود؟ مثلاً «بسته»، «نفر» یا «واحد».
types-ask-new-unit = «{ $name }» از این پس با چه واحدی شمرده شود؟ واحد تازه را بنویسید.
types-bad-name = نام باید { $min } تا { $max } حرف باشد و نشانه‌های < و > نداشته باشد؛ دوباره بنویسید.
types-bad-unit = واحد باید { $min } تا { $max } حرف باشد و نشانه‌های < و > نداشته باشد؛ دوباره بنویسید.
types-expects-text = لطفاً با نوشتن پاسخ دهید.
types-duplicate = این حوزه نوعی به نام «{ $name }» دارد؛ نام دیگری بنویسید.
types-confirm =
    نوع خدمت تازه:
    حوزه: { $area }
    🏷 { $name } — { $unit }
types-edit-name = ✏️ نام
types-edit-unit = ✏️ واحد
types-add-ok = ✅ افزودن
types-done = انجام شد
types-added = ✅ «{ $name }» افزوده شد و از همین حالا در گزارش‌های تازه می‌آید.
types-renamed = ✅ نام تازه «{ $name }» است؛ گزارش‌های قبلی هم با این نام دیده می‌شوند.
types-unit-changed = ✅ واحد تازه «{ $unit }» است.
types-gone = این نوع خدمت پیدا نشد؛ از «🗂 انواع خدمت» دوباره شروع کنید.
manage-types-effect = ⚠️ با این خدمت‌ها پیشرفت پویش از { $before } به { $after } می‌رسد.
manage-types-confirm = با این خدمت‌ها پیشرفت پویش برای همه از { $before } به { $after } می‌رسد. ذخیره شود؟
manage-types-save-yes = ✅ بله، ذخیره شود
types-unit-letters = واحد را با حروف بنویسید، نه فقط با رقم؛ مثلاً «بسته» یا «نفر».
types-unit-warning =
    ⚠️ «{ $name }» { $reports } گزارش ثبت‌شده دارد. عددهای این گزارش‌ها همان می‌ماند، ولی از این پس به واحد «{ $new }» خوانده می‌شود، نه «{ $old }».
    واحد عوض شود؟
types-unit-yes = ✅ بله، واحد عوض شود

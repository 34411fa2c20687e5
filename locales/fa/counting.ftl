## What counts ([stats] counting), since joining, and reports waiting for review
## (handlers/lookups.py, bot/stats_text.py, bot/digest.py, the report receipt).

# The period button of a member or leader: their group's figures since the day they joined it.
counting-joined = از زمان پیوستن
# The period's name in the heading: «از زمان پیوستن شما (۱۴ آبان ۱۴۰۵)».
counting-period-joined = از زمان پیوستن شما ({ $since })
# A coordinator's province: the reports waiting for review, whatever the period.
counting-waiting-province = 📥 { $count } گزارش استان در انتظار بررسی است.
# The receipt, when only approved reports count.
counting-receipt-after-review = ⏳ این گزارش پس از تأیید در آمار شمرده می‌شود.
# The weekly digest, when only approved reports count: the week's reports still waiting.
counting-digest-waiting = ⏳ { $count } گزارش این هفته هنوز در انتظار بررسی است.

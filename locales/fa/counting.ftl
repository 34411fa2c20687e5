## What counts ([stats] counting), since joining, and reports waiting for review
## (handlers/lookups.py, bot/figures/wording.py, bot/digest/render.py, the report receipt).

# The period button of a member or leader: their group's figures since the day they joined it.
counting-joined = از زمان پیوستن
# The period's name in the heading: «از زمان پیوستن شما (۱۴ آبان ۱۴۰۵)».
counting-period-joined = از زمان پیوستن شما ({ $since })
# A reviewer's province: its whole review queue, whatever the period shown (said when it is not
# the period's own waiting count, «⏳ … در انتظار بررسی» of stats.ftl, already on the figures).
counting-waiting-province = 📥 صف بررسی استان: { $count } گزارش، با هر تاریخی

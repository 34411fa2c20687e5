## Jalali calendar: month and weekday names, date formats, date-input errors (bot/core/jalali.py).

# The twelve Jalali months, Farvardin first, separated by spaces.
calendar-months = فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند
# The seven weekdays, Saturday first, separated by spaces.
calendar-weekdays = شنبه یکشنبه دوشنبه سه‌شنبه چهارشنبه پنج‌شنبه جمعه

# «۳۰ آبان ۱۴۰۵»
calendar-date = { $day } { $month } { $year }
# «شنبه ۳۰ آبان ۱۴۰۵»
calendar-date-weekday = { $weekday } { $day } { $month } { $year }
# «۱ آذر»
calendar-day-month = { $day } { $month }
# «۲۳ تا ۲۹ آبان ۱۴۰۵»
calendar-range-month = { $start_day } تا { $end_day } { $month } { $year }
# «۲۷ آبان تا ۳ آذر ۱۴۰۵»
calendar-range-year = { $start_day } { $start_month } تا { $end_day } { $end_month } { $year }
# «۲۷ اسفند ۱۴۰۴ تا ۳ فروردین ۱۴۰۵»
calendar-range = { $start } تا { $end }
# «۱ آذر ۱۴۰۵، ساعت ۱۴:۳۰»
calendar-datetime = { $date }، ساعت { $time }

# A typed date could not be read; $example is a date written the expected way, e.g. ۱۴۰۵/۰۹/۰۱.
calendar-error-format = تاریخ را به شکل سال/ماه/روز بنویسید؛ مثلاً { $example }.
# A year out of reach (a typo such as ۱۵۵۰ or ۴۰۴).
calendar-error-year = سال { $year } درست به نظر نمی‌رسد؛ تاریخ را به شکل { $example } بنویسید.
# A year of the Gregorian calendar (such as ۲۰۲۵) where a Jalali one was asked.
calendar-error-year-gregorian = { $year } سال میلادی است؛ تاریخ را شمسی بنویسید؛ مثلاً { $example }.
calendar-error-month = ماه { $month } نداریم؛ تاریخ را به شکل { $example } بنویسید.
# $days: how many days the month has in that year (29 or 30 for Esfand).
calendar-error-day = { $month } { $year } فقط { $days } روز دارد؛ تاریخ را به شکل { $example } بنویسید.
calendar-relative-days = امروز دیروز پریروز

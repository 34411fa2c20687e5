# Hints found by the bad-input walks (tests/test_bad_input.py).

# Something other than a typed range or a button at the export's first question (a sticker, a
# contact, a file): the question below holds the example.
export-range-expects = یکی از دکمه‌ها را بزنید یا بازه را مثل نمونهٔ زیر بنویسید.

# A campaign's first day after today (a mistyped year such as ۱۵۰۰): a campaign that has not
# begun is not on the campaigns screen, so it could be neither edited nor closed.
camp-start-future = روز آغاز باید امروز یا پیش از آن باشد؛ پویشی که هنوز آغاز نشده در فهرست پویش‌ها دیده نمی‌شود.

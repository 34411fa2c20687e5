# Hints found by the bad-input walks (tests/test_bad_input.py).

# Something other than a typed range or a button at the export's first question (a sticker, a
# contact, a file): the question below holds the example.
export-range-expects = یکی از دکمه‌ها را بزنید یا بازه را مثل نمونهٔ زیر بنویسید.

# A campaign's first day more than a year ahead: most likely a mistyped year (such as ۱۵۰۰).
camp-start-future = روز آغاز باید تا یک سال بعد از امروز باشد؛ شاید سال اشتباه نوشته شده است.

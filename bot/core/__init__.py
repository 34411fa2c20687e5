"""The cellar: text, Jalali dates, locale strings and configuration; pure, and the only part of bot/
that storage (db/) may import."""

-- Groups in Persian alphabetical order on either engine: each group keeps its sort key
-- (bot.text.persian_sort_text of its name, whose binary order is Persian order), written by the
-- repository whenever it names a group, instead of the fa_sort() function SQLite computed at
-- every query (PostgreSQL has no such function; a stored key orders the same on both).
ALTER TABLE groups ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE groups SET sort_key = fa_sort(name);

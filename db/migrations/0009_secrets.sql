-- Secrets the bot makes for itself, by name: random bytes created once, on first use, and kept
-- with the data they protect (a backup of the database carries them). The first one signs the
-- photo links in exports (bot/photo_links.py), so a link cannot be made up from a report's id.
CREATE TABLE secrets (
    name        TEXT PRIMARY KEY,
    value       BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

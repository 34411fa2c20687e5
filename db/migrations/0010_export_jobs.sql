-- Exports being built (handlers/export.py), one per person at a time: what was asked and the
-- status message showing it. A row lives from «ساختن فایل» until the document is sent (or the
-- build ends otherwise), so a build cut off by a crash is started again after the restart.
CREATE TABLE export_jobs (
    chat_id     INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL,
    plan        TEXT NOT NULL,  -- JSON: the filters, format and their words
    head        TEXT NOT NULL DEFAULT '',  -- the summary the status line is shown under
    attempts    INTEGER NOT NULL DEFAULT 1,  -- builds begun: one that keeps failing is given up
    started_at  TEXT NOT NULL
);

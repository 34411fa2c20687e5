-- Updates as they were received, kept until handled: Telegram forgets an update once the next
-- getUpdates confirms it, so one received but not yet handled when the process died would be
-- lost. Replayed on start-up; processed_updates keeps a replay from being handled twice.
CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    data         TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

-- Notices to people other than the one who acted (a review decision to its reporter, a changed
-- role, a join to the group's leaders, ...), written in the transaction of the change and sent
-- afterwards by the outbox job (bot/outbox.py), with retries, until Telegram confirms one.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    body        TEXT NOT NULL,  -- JSON: locale key, its arguments, buttons, whether the menu goes
    priority    INTEGER NOT NULL DEFAULT 1,  -- bot.ratelimit.Priority: 0 interactive, 1 bulk
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    due_at      TEXT NOT NULL,  -- not tried again before this (the backoff after a failure)
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    message_id  INTEGER,  -- Telegram's id of the message once it confirmed the send
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE state = 'pending';

-- A report's version: one more at each edit of its content. A reviewer's decision names the
-- version their card showed, and a decision on an older one is refused.
ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Review cards are now remembered in reviewers' private chats too (every card that offers a
-- decision, so that an edit refreshes it); one is forgotten when its buttons are taken off.
CREATE INDEX review_cards_by_message ON review_cards (chat_id, message_id);

-- Channel subscriptions and the ledger of posted digests, for exactly-once weekly posting.
--
-- 0001 sketched `channels` and `digests`; no code ever wrote to them, so they are replaced
-- rather than altered: schedule overrides become nullable (NULL = the [digest] config default),
-- a paused channel records why, and the ledger gains the states and ids a crash-safe send needs.

DROP TABLE digests;
DROP TABLE channels;

CREATE TABLE channels (
    id             INTEGER PRIMARY KEY,
    chat_id        INTEGER NOT NULL UNIQUE,
    title          TEXT NOT NULL DEFAULT '',
    scope          TEXT NOT NULL CHECK (scope IN ('national', 'province', 'campaign')),
    province_id    INTEGER REFERENCES provinces(id),
    campaign_id    INTEGER REFERENCES campaigns(id),
    -- Overrides of [digest] weekday and time; NULL means the config's default.
    -- The weekday is an English name, as in config ('saturday' … 'friday'): no index convention.
    weekday        TEXT CHECK (weekday IN ('saturday', 'sunday', 'monday', 'tuesday',
                                           'wednesday', 'thursday', 'friday')),
    post_time      TEXT CHECK (post_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    paused         INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    -- Why a channel is paused: 'admin' (by hand) or 'failed' (delivery failed); note: details.
    paused_reason  TEXT CHECK (paused_reason IN ('admin', 'failed')),
    paused_note    TEXT NOT NULL DEFAULT '',
    paused_at      TEXT,
    added_by       INTEGER,
    added_at       TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK ((scope = 'province') = (province_id IS NOT NULL)),
    CHECK ((scope = 'campaign') = (campaign_id IS NOT NULL)),
    CHECK (paused = (paused_reason IS NOT NULL))
);

-- One row per channel (by chat id, so that removing and re-adding a channel cannot post the
-- same week again) and Jalali week (its Saturday, ISO). The row is claimed in state 'sending'
-- before the first message goes out, filled in as messages are sent, and marked 'sent' after.
CREATE TABLE digest_posts (
    id                INTEGER PRIMARY KEY,
    chat_id           INTEGER NOT NULL,
    week_start        TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'sending' CHECK (state IN ('sending', 'sent')),
    message_ids       TEXT NOT NULL DEFAULT '[]',  -- JSON list of the text messages, in order
    chart_message_id  INTEGER,
    chart_file_id     TEXT NOT NULL DEFAULT '',
    content_hash      TEXT NOT NULL DEFAULT '',
    late              INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    claimed_at        TEXT NOT NULL,
    posted_at         TEXT,
    edited_at         TEXT,
    UNIQUE (chat_id, week_start),
    CHECK ((state = 'sent') = (posted_at IS NOT NULL))
);
CREATE INDEX digest_posts_by_week ON digest_posts (week_start, state);

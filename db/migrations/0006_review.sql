-- Review of reports: the coordinators' Telegram groups that get new pending reports, the cards
-- posted there (edited once a report is decided), and the lookups the reviewer's flags need.

-- A Telegram group linked by a coordinator to one of their provinces (province_id NULL: an
-- admin's group, which gets every province's reports).
CREATE TABLE review_chats (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    province_id  INTEGER REFERENCES provinces(id),
    linked_by    INTEGER,
    linked_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX review_chats_unique ON review_chats (chat_id, IFNULL(province_id, 0));
CREATE INDEX review_chats_by_province ON review_chats (province_id);

-- Every card posted to a review group, so that a decision (made anywhere) edits them all.
CREATE TABLE review_cards (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    posted_at   TEXT NOT NULL,
    PRIMARY KEY (report_id, chat_id, message_id)
);

-- A photo reused in another report is found by Telegram's file_unique_id.
CREATE INDEX report_photos_by_unique ON report_photos (file_unique_id);

-- The queue of every province (an admin's) in order, without sorting all pending reports.
CREATE INDEX reports_pending ON reports (id) WHERE status = 'submitted';

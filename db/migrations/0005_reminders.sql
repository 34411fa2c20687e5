-- Weekly reminders to leaders of groups with no report that week: a leader can turn them off per
-- group, and each leader gets at most one a week per group (recorded before it is sent).
ALTER TABLE memberships ADD COLUMN reminders INTEGER NOT NULL DEFAULT 1;

CREATE TABLE reminders_sent (
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    group_id      INTEGER NOT NULL REFERENCES groups(id),
    week_start    TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, group_id, week_start)
);

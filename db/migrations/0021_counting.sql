-- What counts is defined once, in db/counting.py: the triggers that keep the summary tables of
-- 0002_stats.sql and 0008_counting.sql (and the change log of the in-memory columns) are made
-- from that definition for either engine, and the summaries refilled from the reports, by
-- `db migrate` (Database.migrate), whenever the definition differs from the one installed.
-- The hand-written triggers go; counting_rule remembers which definition is installed.
DROP TRIGGER stat_reports_insert;
DROP TRIGGER stat_reports_delete;
DROP TRIGGER stat_reports_update_old;
DROP TRIGGER stat_reports_update_new;
DROP TRIGGER stat_groups_insert;
DROP TRIGGER stat_changes_update;
DROP TRIGGER stat_changes_delete;

CREATE TABLE counting_rule (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint   TEXT NOT NULL,  -- a hash of the triggers and fills made from the definition
    installed_at  TEXT NOT NULL
);

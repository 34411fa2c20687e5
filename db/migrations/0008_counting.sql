-- Reports waiting for review, apart: when only approved reports count ([stats] counting =
-- "approved"), lookups and digests show how many reports still wait (status 'submitted').
-- Every summary table of 0002_stats.sql gets two more measures, kept by the same triggers:
--   ns, qs   submitted reports (waiting for review) and their summed quantity
-- ('returned' reports wait for their reporter, not for review: live, but neither approved nor
-- pending). The four triggers on reports are replaced by the same ones with the new measures.
-- And a list of changed reports for the in-memory columns of national typed ranges.

ALTER TABLE stat_place ADD COLUMN ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_place ADD COLUMN qs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_group_period ADD COLUMN ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_group_period ADD COLUMN qs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_campaign_place ADD COLUMN ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_campaign_place ADD COLUMN qs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_campaign_day ADD COLUMN ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_campaign_day ADD COLUMN qs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_group_campaign ADD COLUMN ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stat_group_campaign ADD COLUMN qs INTEGER NOT NULL DEFAULT 0;

-- Fill the new measures from the submitted reports already stored (their summary rows exist:
-- a submitted report is live, so 0002's fill and triggers made them).
CREATE TEMP TABLE stat_wait AS
SELECT r.*, date(r.service_date, '-' || ((CAST(strftime('%w', r.service_date) AS INTEGER) + 1) % 7) || ' days') AS week_start,
       IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= r.service_date), r.service_date) AS month_start,
       IFNULL((SELECT year_start FROM jalali_months WHERE start <= r.service_date ORDER BY start DESC LIMIT 1), r.service_date) AS year_start,
       (r.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = r.campaign_id)
        OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = r.campaign_id AND k.category_id = r.category_id))) AS in_campaign
FROM reports r WHERE r.status = 'submitted';

CREATE TEMP TABLE stat_wait_place AS
SELECT province_id AS p, county_id AS c, 'd' AS k, service_date AS st, category_id AS t, COUNT(*) AS ns, SUM(quantity) AS qs FROM stat_wait GROUP BY 1, 2, 4, 5
UNION ALL SELECT province_id, county_id, 'm', month_start, category_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 1, 2, 4, 5
UNION ALL SELECT province_id, 0, 'd', service_date, category_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 1, 4, 5
UNION ALL SELECT province_id, 0, 'm', month_start, category_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 1, 4, 5
UNION ALL SELECT 0, 0, 'd', service_date, category_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 4, 5
UNION ALL SELECT 0, 0, 'm', month_start, category_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 4, 5;
UPDATE stat_place SET ns = w.ns, qs = w.qs FROM stat_wait_place w
WHERE stat_place.province_id = w.p AND stat_place.county_id = w.c AND stat_place.kind = w.k
  AND stat_place.start = w.st AND stat_place.category_id = w.t;

CREATE TEMP TABLE stat_wait_group AS
SELECT 'w' AS k, week_start AS st, group_id AS g, COUNT(*) AS ns, SUM(quantity) AS qs FROM stat_wait GROUP BY 2, 3
UNION ALL SELECT 'm', month_start, group_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 2, 3
UNION ALL SELECT 'y', year_start, group_id, COUNT(*), SUM(quantity) FROM stat_wait GROUP BY 2, 3;
UPDATE stat_group_period SET ns = w.ns, qs = w.qs FROM stat_wait_group w
WHERE stat_group_period.kind = w.k AND stat_group_period.start = w.st AND stat_group_period.group_id = w.g;

CREATE TEMP TABLE stat_wait_campaign AS
SELECT campaign_id AS m, province_id AS p, county_id AS c, category_id AS t, COUNT(*) AS ns, SUM(quantity) AS qs FROM stat_wait WHERE in_campaign GROUP BY 1, 2, 3, 4
UNION ALL SELECT campaign_id, province_id, 0, category_id, COUNT(*), SUM(quantity) FROM stat_wait WHERE in_campaign GROUP BY 1, 2, 4
UNION ALL SELECT campaign_id, 0, 0, category_id, COUNT(*), SUM(quantity) FROM stat_wait WHERE in_campaign GROUP BY 1, 4;
UPDATE stat_campaign_place SET ns = w.ns, qs = w.qs FROM stat_wait_campaign w
WHERE stat_campaign_place.campaign_id = w.m AND stat_campaign_place.province_id = w.p
  AND stat_campaign_place.county_id = w.c AND stat_campaign_place.category_id = w.t;
UPDATE stat_campaign_day SET ns = w.ns, qs = w.qs FROM (
    SELECT campaign_id AS m, service_date AS d, COUNT(*) AS ns, SUM(quantity) AS qs FROM stat_wait
    WHERE in_campaign GROUP BY 1, 2) w
WHERE stat_campaign_day.campaign_id = w.m AND stat_campaign_day.day = w.d;
UPDATE stat_group_campaign SET ns = w.ns, qs = w.qs FROM (
    SELECT campaign_id AS m, group_id AS g, COUNT(*) AS ns, SUM(quantity) AS qs FROM stat_wait
    WHERE in_campaign GROUP BY 1, 2) w
WHERE stat_group_campaign.campaign_id = w.m AND stat_group_campaign.group_id = w.g;

DROP TABLE stat_wait;
DROP TABLE stat_wait_place;
DROP TABLE stat_wait_group;
DROP TABLE stat_wait_campaign;

-- Reports changed or deleted, each with the sequence number of its latest change: the in-memory
-- columns of db/stat_columns.py (national typed ranges) read again what changed since they last
-- looked. One row per report at most (new reports are found by their id).
CREATE TABLE stat_changes (
    report_id  INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL
);
CREATE INDEX stat_changes_by_seq ON stat_changes (seq);

CREATE TRIGGER stat_changes_update AFTER UPDATE OF status, quantity, beneficiaries, service_date, group_id, category_id ON reports BEGIN
    INSERT INTO stat_changes (report_id, seq)
    VALUES (NEW.id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM stat_changes))
    ON CONFLICT (report_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER stat_changes_delete AFTER DELETE ON reports BEGIN
    INSERT INTO stat_changes (report_id, seq)
    VALUES (OLD.id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM stat_changes))
    ON CONFLICT (report_id) DO UPDATE SET seq = excluded.seq;
END;

DROP TRIGGER stat_reports_insert;
DROP TRIGGER stat_reports_delete;
DROP TRIGGER stat_reports_update_old;
DROP TRIGGER stat_reports_update_new;

CREATE TRIGGER stat_reports_insert AFTER INSERT ON reports WHEN NEW.status != 'deleted' BEGIN
    INSERT INTO stat_group_last (group_id, last_day) VALUES (NEW.group_id, NEW.service_date)
    ON CONFLICT (group_id) DO UPDATE SET last_day = MAX(last_day, excluded.last_day);
    INSERT INTO stat_place (province_id, county_id, kind, start, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT pl.p, pl.c, kd.k, kd.st, NEW.category_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT NEW.province_id, 0
          UNION ALL SELECT NEW.province_id, NEW.county_id) AS pl,
         (SELECT 'd' AS k, NEW.service_date AS st UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= NEW.service_date), NEW.service_date)) AS kd
    WHERE 1
    ON CONFLICT (province_id, county_id, kind, start, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_period (kind, start, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT kd.k, kd.st, NEW.group_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    FROM (SELECT 'w' AS k, date(NEW.service_date, '-' || ((CAST(strftime('%w', NEW.service_date) AS INTEGER) + 1) % 7) || ' days') AS st
          UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= NEW.service_date), NEW.service_date)
          UNION ALL SELECT 'y', IFNULL((SELECT year_start FROM jalali_months WHERE start <= NEW.service_date ORDER BY start DESC LIMIT 1), NEW.service_date)) AS kd
    WHERE 1
    ON CONFLICT (kind, start, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_place (campaign_id, province_id, county_id, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT NEW.campaign_id, pl.p, pl.c, NEW.category_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT NEW.province_id, 0
          UNION ALL SELECT NEW.province_id, NEW.county_id) AS pl
    WHERE NEW.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id AND k.category_id = NEW.category_id))
    ON CONFLICT (campaign_id, province_id, county_id, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_day (campaign_id, day, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT NEW.campaign_id, NEW.service_date, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    WHERE NEW.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id AND k.category_id = NEW.category_id))
    ON CONFLICT (campaign_id, day) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_campaign (campaign_id, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT NEW.campaign_id, NEW.group_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    WHERE NEW.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id AND k.category_id = NEW.category_id))
    ON CONFLICT (campaign_id, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
END;

CREATE TRIGGER stat_reports_delete AFTER DELETE ON reports WHEN OLD.status != 'deleted' BEGIN
    INSERT OR REPLACE INTO stat_group_last (group_id, last_day)
    SELECT OLD.group_id, IFNULL(MAX(service_date), '') FROM reports
    WHERE group_id = OLD.group_id AND status != 'deleted';
    INSERT INTO stat_place (province_id, county_id, kind, start, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT pl.p, pl.c, kd.k, kd.st, OLD.category_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT OLD.province_id, 0
          UNION ALL SELECT OLD.province_id, OLD.county_id) AS pl,
         (SELECT 'd' AS k, OLD.service_date AS st UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= OLD.service_date), OLD.service_date)) AS kd
    WHERE 1
    ON CONFLICT (province_id, county_id, kind, start, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_period (kind, start, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT kd.k, kd.st, OLD.group_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    FROM (SELECT 'w' AS k, date(OLD.service_date, '-' || ((CAST(strftime('%w', OLD.service_date) AS INTEGER) + 1) % 7) || ' days') AS st
          UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= OLD.service_date), OLD.service_date)
          UNION ALL SELECT 'y', IFNULL((SELECT year_start FROM jalali_months WHERE start <= OLD.service_date ORDER BY start DESC LIMIT 1), OLD.service_date)) AS kd
    WHERE 1
    ON CONFLICT (kind, start, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_place (campaign_id, province_id, county_id, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT OLD.campaign_id, pl.p, pl.c, OLD.category_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT OLD.province_id, 0
          UNION ALL SELECT OLD.province_id, OLD.county_id) AS pl
    WHERE OLD.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id AND k.category_id = OLD.category_id))
    ON CONFLICT (campaign_id, province_id, county_id, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_day (campaign_id, day, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT OLD.campaign_id, OLD.service_date, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    WHERE OLD.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id AND k.category_id = OLD.category_id))
    ON CONFLICT (campaign_id, day) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_campaign (campaign_id, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT OLD.campaign_id, OLD.group_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    WHERE OLD.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id AND k.category_id = OLD.category_id))
    ON CONFLICT (campaign_id, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
END;

CREATE TRIGGER stat_reports_update_old AFTER UPDATE OF status, quantity, beneficiaries, volunteers, service_date, group_id, category_id, province_id, county_id, campaign_id ON reports
WHEN OLD.status != 'deleted' BEGIN
    INSERT OR REPLACE INTO stat_group_last (group_id, last_day)
    SELECT OLD.group_id, IFNULL(MAX(service_date), '') FROM reports
    WHERE group_id = OLD.group_id AND status != 'deleted';
    INSERT INTO stat_place (province_id, county_id, kind, start, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT pl.p, pl.c, kd.k, kd.st, OLD.category_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT OLD.province_id, 0
          UNION ALL SELECT OLD.province_id, OLD.county_id) AS pl,
         (SELECT 'd' AS k, OLD.service_date AS st UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= OLD.service_date), OLD.service_date)) AS kd
    WHERE 1
    ON CONFLICT (province_id, county_id, kind, start, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_period (kind, start, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT kd.k, kd.st, OLD.group_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    FROM (SELECT 'w' AS k, date(OLD.service_date, '-' || ((CAST(strftime('%w', OLD.service_date) AS INTEGER) + 1) % 7) || ' days') AS st
          UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= OLD.service_date), OLD.service_date)
          UNION ALL SELECT 'y', IFNULL((SELECT year_start FROM jalali_months WHERE start <= OLD.service_date ORDER BY start DESC LIMIT 1), OLD.service_date)) AS kd
    WHERE 1
    ON CONFLICT (kind, start, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_place (campaign_id, province_id, county_id, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT OLD.campaign_id, pl.p, pl.c, OLD.category_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT OLD.province_id, 0
          UNION ALL SELECT OLD.province_id, OLD.county_id) AS pl
    WHERE OLD.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id AND k.category_id = OLD.category_id))
    ON CONFLICT (campaign_id, province_id, county_id, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_day (campaign_id, day, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT OLD.campaign_id, OLD.service_date, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    WHERE OLD.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id AND k.category_id = OLD.category_id))
    ON CONFLICT (campaign_id, day) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_campaign (campaign_id, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT OLD.campaign_id, OLD.group_id, -1, -1 * OLD.quantity, -1 * IFNULL(OLD.beneficiaries, 0), -1 * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'approved'), -1 * (OLD.status = 'approved') * OLD.quantity, -1 * (OLD.status = 'approved') * IFNULL(OLD.beneficiaries, 0), -1 * (OLD.status = 'approved') * IFNULL(OLD.volunteers, 0), -1 * (OLD.status = 'submitted'), -1 * (OLD.status = 'submitted') * OLD.quantity
    WHERE OLD.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = OLD.campaign_id AND k.category_id = OLD.category_id))
    ON CONFLICT (campaign_id, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
END;

CREATE TRIGGER stat_reports_update_new AFTER UPDATE OF status, quantity, beneficiaries, volunteers, service_date, group_id, category_id, province_id, county_id, campaign_id ON reports
WHEN NEW.status != 'deleted' BEGIN
    INSERT INTO stat_group_last (group_id, last_day) VALUES (NEW.group_id, NEW.service_date)
    ON CONFLICT (group_id) DO UPDATE SET last_day = MAX(last_day, excluded.last_day);
    INSERT INTO stat_place (province_id, county_id, kind, start, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT pl.p, pl.c, kd.k, kd.st, NEW.category_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT NEW.province_id, 0
          UNION ALL SELECT NEW.province_id, NEW.county_id) AS pl,
         (SELECT 'd' AS k, NEW.service_date AS st UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= NEW.service_date), NEW.service_date)) AS kd
    WHERE 1
    ON CONFLICT (province_id, county_id, kind, start, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_period (kind, start, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT kd.k, kd.st, NEW.group_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    FROM (SELECT 'w' AS k, date(NEW.service_date, '-' || ((CAST(strftime('%w', NEW.service_date) AS INTEGER) + 1) % 7) || ' days') AS st
          UNION ALL SELECT 'm', IFNULL((SELECT MAX(start) FROM jalali_months WHERE start <= NEW.service_date), NEW.service_date)
          UNION ALL SELECT 'y', IFNULL((SELECT year_start FROM jalali_months WHERE start <= NEW.service_date ORDER BY start DESC LIMIT 1), NEW.service_date)) AS kd
    WHERE 1
    ON CONFLICT (kind, start, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_place (campaign_id, province_id, county_id, category_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT NEW.campaign_id, pl.p, pl.c, NEW.category_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    FROM (SELECT 0 AS p, 0 AS c UNION ALL SELECT NEW.province_id, 0
          UNION ALL SELECT NEW.province_id, NEW.county_id) AS pl
    WHERE NEW.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id AND k.category_id = NEW.category_id))
    ON CONFLICT (campaign_id, province_id, county_id, category_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_campaign_day (campaign_id, day, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT NEW.campaign_id, NEW.service_date, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    WHERE NEW.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id AND k.category_id = NEW.category_id))
    ON CONFLICT (campaign_id, day) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
    INSERT INTO stat_group_campaign (campaign_id, group_id, n, q, b, v, na, qa, ba, va, ns, qs)
    SELECT NEW.campaign_id, NEW.group_id, 1, 1 * NEW.quantity, 1 * IFNULL(NEW.beneficiaries, 0), 1 * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'approved'), 1 * (NEW.status = 'approved') * NEW.quantity, 1 * (NEW.status = 'approved') * IFNULL(NEW.beneficiaries, 0), 1 * (NEW.status = 'approved') * IFNULL(NEW.volunteers, 0), 1 * (NEW.status = 'submitted'), 1 * (NEW.status = 'submitted') * NEW.quantity
    WHERE NEW.campaign_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id) OR EXISTS (SELECT 1 FROM campaign_categories k WHERE k.campaign_id = NEW.campaign_id AND k.category_id = NEW.category_id))
    ON CONFLICT (campaign_id, group_id) DO UPDATE SET n = n + excluded.n, q = q + excluded.q, b = b + excluded.b, v = v + excluded.v, na = na + excluded.na, qa = qa + excluded.qa, ba = ba + excluded.ba, va = va + excluded.va, ns = ns + excluded.ns, qs = qs + excluded.qs;
END;

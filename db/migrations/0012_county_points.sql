-- A point for each county (its seat, from locales/fa/county_points.csv; NULL for the few the data
-- has none for): a report with a shared Telegram location is filed under the nearest county.
ALTER TABLE counties ADD COLUMN latitude REAL;
ALTER TABLE counties ADD COLUMN longitude REAL;

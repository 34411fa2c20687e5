-- The national digest's map (bot/map_render.py) goes out beside its chart as one album: the
-- ledger keeps the map's message too, so that late reports replace it in place as they do the
-- chart. A post without a map (any scope but national, or nothing to colour) leaves them empty.
ALTER TABLE digest_posts ADD COLUMN map_message_id INTEGER;
ALTER TABLE digest_posts ADD COLUMN map_file_id TEXT NOT NULL DEFAULT '';

-- When a channel's posting schedule began: set when the channel is added and whenever its day
-- or time changes. A week whose moment under the schedule came before it was not missed (the
-- channel was not waiting for it then), so it is not posted «late»: a new channel's first post
-- and the first post after a change do not apologise. NULL (channels from before): long ago.
ALTER TABLE channels ADD COLUMN schedule_since TEXT;

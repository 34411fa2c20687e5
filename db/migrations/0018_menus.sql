-- What each person sees: the screens the bot showed them, the «/» menu set for them, and the
-- requests to join a group found with /find.

-- The messages shown to a person as screens (an answer to a command, a menu button or a button
-- press; a flow's panel). The one shown last is the live one; an older one has lost its buttons
-- (or is losing them), and a press on it is answered as old. kind: 'text' (no inline buttons),
-- 'buttons' (inline buttons to take off once replaced), 'flow' (a flow's panel, which the
-- engine looks after). A few of the latest are kept per person.
CREATE TABLE screens (
    volunteer_id  INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    shown         INTEGER NOT NULL,  -- the person's own counter: the highest is the live screen
    kind          TEXT NOT NULL CHECK (kind IN ('text', 'buttons', 'flow')),
    PRIMARY KEY (volunteer_id, message_id)
);
CREATE INDEX screens_by_shown ON screens (volunteer_id, shown);

-- The command list set for one person's chat (BotCommandScopeChat), as sent: kept so that a
-- start re-sends only the lists that changed, and a person back on the default list is known.
CREATE TABLE command_menus (
    volunteer_id  INTEGER PRIMARY KEY,
    commands      TEXT NOT NULL,  -- one «command description» a line
    set_at        TEXT NOT NULL
);

-- A newcomer's request to join a group, answered by one of its leaders. One open request per
-- person and group; a declined one keeps the person from asking that group again for a while.
CREATE TABLE join_requests (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER NOT NULL REFERENCES groups(id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    status        TEXT NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'accepted', 'declined', 'dropped')),
    created_at    TEXT NOT NULL,
    decided_by    INTEGER REFERENCES volunteers(id),
    decided_at    TEXT
);
CREATE UNIQUE INDEX join_requests_open ON join_requests (group_id, volunteer_id)
    WHERE status = 'open';
CREATE INDEX join_requests_by_volunteer ON join_requests (volunteer_id, status);

-- The whole domain of DESIGN.md. Dates a person reads are Jalali on screen but stored as ISO
-- (YYYY-MM-DD, Gregorian) so that SQLite compares and indexes them; times are ISO UTC.

CREATE TABLE provinces (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    search_key  TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE counties (
    id            INTEGER PRIMARY KEY,
    province_id   INTEGER NOT NULL REFERENCES provinces(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    search_key    TEXT NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    osm_relation  TEXT NOT NULL DEFAULT '',
    wikidata      TEXT NOT NULL DEFAULT '',
    UNIQUE (province_id, code)
);
CREATE INDEX counties_by_province ON counties (province_id, position);
CREATE INDEX counties_by_key ON counties (search_key);

-- Telegram users who talked to the bot; id is the Telegram user id.
CREATE TABLE volunteers (
    id            INTEGER PRIMARY KEY,
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    username      TEXT NOT NULL DEFAULT '',
    blocked_at    TEXT,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);

-- Bot-wide roles. Admins have province_id NULL; a coordinator has one row per province.
CREATE TABLE roles (
    id            INTEGER PRIMARY KEY,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
    province_id   INTEGER REFERENCES provinces(id),
    granted_by    INTEGER,
    granted_at    TEXT NOT NULL,
    CHECK ((role = 'admin') = (province_id IS NULL))
);
CREATE UNIQUE INDEX roles_unique ON roles (volunteer_id, role, IFNULL(province_id, 0));
CREATE INDEX roles_by_province ON roles (province_id);

-- Two-level service categories: areas (parent_id NULL) and service types with a unit.
CREATE TABLE categories (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES categories(id),
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    done          TEXT NOT NULL DEFAULT '',
    max_quantity  INTEGER NOT NULL DEFAULT 1000000,
    position      INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX categories_by_parent ON categories (parent_id, position);

CREATE TABLE groups (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    search_key    TEXT NOT NULL,
    province_id   INTEGER NOT NULL REFERENCES provinces(id),
    county_id     INTEGER NOT NULL REFERENCES counties(id),
    specialty_id  INTEGER REFERENCES categories(id),
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('pending', 'active', 'rejected', 'merged')),
    merged_into   INTEGER REFERENCES groups(id),
    created_by    INTEGER REFERENCES volunteers(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX groups_by_place ON groups (province_id, county_id, status);
CREATE INDEX groups_by_key ON groups (search_key);

CREATE TABLE memberships (
    group_id      INTEGER NOT NULL REFERENCES groups(id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    role          TEXT NOT NULL CHECK (role IN ('leader', 'member')),
    joined_at     TEXT NOT NULL,
    PRIMARY KEY (group_id, volunteer_id)
);
CREATE INDEX memberships_by_volunteer ON memberships (volunteer_id);

CREATE TABLE invites (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER NOT NULL REFERENCES groups(id),
    code          TEXT NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES volunteers(id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT,
    uses          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invites_by_group ON invites (group_id);

-- A campaign is national (province_id NULL) or for one province.
CREATE TABLE campaigns (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    target        INTEGER NOT NULL CHECK (target > 0),
    unit          TEXT NOT NULL DEFAULT '',
    province_id   INTEGER REFERENCES provinces(id),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER,
    created_at    TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX campaigns_by_scope ON campaigns (active, province_id, starts_on);

CREATE TABLE reports (
    id               INTEGER PRIMARY KEY,
    receipt          TEXT NOT NULL UNIQUE,
    idempotency_key  TEXT NOT NULL UNIQUE,
    group_id         INTEGER NOT NULL REFERENCES groups(id),
    reporter_id      INTEGER NOT NULL REFERENCES volunteers(id),
    campaign_id      INTEGER REFERENCES campaigns(id),
    category_id      INTEGER NOT NULL REFERENCES categories(id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    beneficiaries    INTEGER CHECK (beneficiaries >= 0),
    volunteers       INTEGER CHECK (volunteers >= 0),
    province_id      INTEGER NOT NULL REFERENCES provinces(id),
    county_id        INTEGER NOT NULL REFERENCES counties(id),
    place            TEXT NOT NULL DEFAULT '',
    latitude         REAL,
    longitude        REAL,
    service_date     TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'submitted'
                     CHECK (status IN ('submitted', 'approved', 'returned', 'deleted')),
    review_note      TEXT NOT NULL DEFAULT '',
    reviewed_by      INTEGER,
    reviewed_at      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX reports_by_group ON reports (group_id, service_date);
CREATE INDEX reports_by_province ON reports (province_id, service_date);
CREATE INDEX reports_by_county ON reports (county_id, service_date);
-- Covering: campaign progress and weekly sums read the index alone, not the table.
CREATE INDEX reports_by_campaign ON reports (campaign_id, service_date, status, quantity);
CREATE INDEX reports_by_category ON reports (category_id, service_date);
CREATE INDEX reports_by_date ON reports (service_date);
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_by_status ON reports (status, province_id);

CREATE TABLE report_photos (
    report_id       INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    file_id         TEXT NOT NULL,
    file_unique_id  TEXT NOT NULL,
    PRIMARY KEY (report_id, position)
);

-- Channels that receive digests, and every digest posted (one per channel and Jalali week).
CREATE TABLE channels (
    id            INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    scope         TEXT NOT NULL DEFAULT 'national'
                  CHECK (scope IN ('national', 'province', 'campaign')),
    province_id   INTEGER REFERENCES provinces(id),
    campaign_id   INTEGER REFERENCES campaigns(id),
    weekday       TEXT NOT NULL DEFAULT 'friday',
    post_time     TEXT NOT NULL DEFAULT '18:00',
    active        INTEGER NOT NULL DEFAULT 1,
    added_by      INTEGER,
    added_at      TEXT NOT NULL
);

CREATE TABLE digests (
    id            INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL REFERENCES channels(id),
    week_start    TEXT NOT NULL,
    message_ids   TEXT NOT NULL DEFAULT '[]',
    posted_at     TEXT NOT NULL,
    UNIQUE (channel_id, week_start)
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      INTEGER,
    action        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     INTEGER,
    details       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_by_actor ON audit_log (actor_id, at);

-- Conversation persistence (python-telegram-bot's BasePersistence) and typed drafts.
CREATE TABLE conversations (
    name   TEXT NOT NULL,
    key    TEXT NOT NULL,
    state  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE persisted_data (
    kind   TEXT NOT NULL CHECK (kind IN ('user', 'chat', 'bot', 'callback')),
    id     INTEGER NOT NULL,
    data   TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE drafts (
    volunteer_id  INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    data          TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    reminded_at   TEXT,
    PRIMARY KEY (volunteer_id, kind)
);
CREATE INDEX drafts_by_age ON drafts (updated_at);

-- Updates already handled, so that a redelivered update is not handled twice.
CREATE TABLE processed_updates (
    update_id  INTEGER PRIMARY KEY,
    at         TEXT NOT NULL
);
CREATE INDEX processed_updates_by_age ON processed_updates (at);

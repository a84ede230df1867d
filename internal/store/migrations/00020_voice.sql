-- The voice of the masses (SPEC §5, seed 004): one inbox of opinions
-- (意见建议) from every channel. Each opinion's life is an append-only
-- ledger (opinion_events: rows are inserted, never updated or deleted);
-- the opinions row holds what the ledger folds to (state, deadlines, first
-- reply, latest outcome and rating), rewritten after each event, so that
-- lists and stats need not replay it. Ids are store.RandomID(): they say
-- nothing about when an opinion came in. An anonymous opinion keeps no
-- contact and its receipt only to the day (day_only). Times are RFC 3339
-- UTC; received_on is the local date of receipt. Portable SQL as in 00001.

-- +goose Up
CREATE TABLE opinions (
    id               BIGINT PRIMARY KEY,
    ref              TEXT NOT NULL UNIQUE,        -- the reference the person gets
    token_hash       TEXT NOT NULL DEFAULT '',    -- SHA-256 of the private tracking token ('' when none)
    channel          TEXT NOT NULL,
    category         TEXT NOT NULL,
    urgency          TEXT NOT NULL,
    content          TEXT NOT NULL,
    org_id           BIGINT NOT NULL REFERENCES orgs(id), -- after the last route
    received_on      TEXT NOT NULL,               -- YYYY-MM-DD, local
    day_only         INTEGER NOT NULL DEFAULT 0,
    contact_name     TEXT NOT NULL DEFAULT '',    -- personal data
    contact_phone    TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    public_ok        INTEGER NOT NULL DEFAULT 0,  -- the person agreed to the public board
    state            TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    accept_by        TEXT NOT NULL,
    reply_by         TEXT NOT NULL,
    first_reply_by   TEXT NOT NULL,
    first_reply_at   TEXT NOT NULL DEFAULT '',
    accepted_at      TEXT NOT NULL DEFAULT '',
    extended         INTEGER NOT NULL DEFAULT 0,
    reopened         INTEGER NOT NULL DEFAULT 0,
    outcome          TEXT NOT NULL DEFAULT '',
    rating           TEXT NOT NULL DEFAULT '',
    ratings          INTEGER NOT NULL DEFAULT 0,
    failed_callbacks INTEGER NOT NULL DEFAULT 0,
    last_at          TEXT NOT NULL,
    events           INTEGER NOT NULL
);
-- opinions stats: the period's folds, read from the index alone.
CREATE INDEX opinions_stats ON opinions (received_on, last_at, org_id, received_at, first_reply_at, first_reply_by, outcome, rating, ratings);
CREATE INDEX opinions_org_state ON opinions (org_id, state);

CREATE TABLE opinion_events (
    opinion_id BIGINT NOT NULL REFERENCES opinions(id),
    seq        INTEGER NOT NULL,                 -- 1, 2, … in ledger order
    event_no   TEXT,                             -- the import's event number (unique), NULL otherwise
    event      TEXT NOT NULL,
    at         TEXT NOT NULL,
    org_id     BIGINT REFERENCES orgs(id),       -- receive, route
    outcome    TEXT NOT NULL DEFAULT '',         -- reply
    rating     TEXT NOT NULL DEFAULT '',         -- rate
    note       TEXT NOT NULL DEFAULT '',         -- reply text, reasons
    user_id    BIGINT NOT NULL DEFAULT 0,        -- staff who recorded it (0: the person, an import)
    PRIMARY KEY (opinion_id, seq)
);
CREATE UNIQUE INDEX opinion_events_no ON opinion_events (event_no);

-- +goose Down
DROP TABLE opinion_events;
DROP TABLE opinions;

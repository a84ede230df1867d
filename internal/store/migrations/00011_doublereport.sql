-- Double report (双报到, SPEC §4, seed 001): org levels, registrations of
-- in-service members and of units with a community, needs and their
-- append-only ledger of dated events, leaders and their four leads, the
-- streets' recommendation lists, submitted semiannual tables.
-- Portable SQL: application IDs, TEXT dates (YYYY-MM-DD), hours in
-- hundredths, 0 for "no member" / "no org".

-- +goose Up
ALTER TABLE orgs ADD COLUMN level TEXT NOT NULL DEFAULT '';

CREATE TABLE dr_registrations (
    id            BIGINT PRIMARY KEY,
    member_id     BIGINT NOT NULL DEFAULT 0,   -- exactly one of member_id, org_id
    org_id        BIGINT NOT NULL DEFAULT 0,
    community_id  BIGINT NOT NULL REFERENCES orgs(id),
    registered_on TEXT NOT NULL,
    left_on       TEXT NOT NULL DEFAULT '',    -- empty while registered
    grid          TEXT NOT NULL DEFAULT '',
    skills        TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    UNIQUE (member_id, org_id, registered_on)
);
CREATE INDEX dr_registrations_community ON dr_registrations (community_id, registered_on);
-- Covering: who is registered on a day (tables), by member or by org.
CREATE INDEX dr_registrations_active ON dr_registrations (org_id, registered_on, left_on, member_id, community_id);
-- The in-service members of the tables without reading the members table.
CREATE INDEX dr_members_in_service ON members (category, org_id, id);

CREATE TABLE dr_needs (
    id                BIGINT PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    community_id      BIGINT NOT NULL REFERENCES orgs(id),
    kind              TEXT NOT NULL,            -- project, wish
    title             TEXT NOT NULL,
    published_on      TEXT NOT NULL,
    wish_type         TEXT NOT NULL DEFAULT '', -- material, spiritual (wishes)
    beneficiary       TEXT NOT NULL DEFAULT '', -- personal data
    state             TEXT NOT NULL DEFAULT 'open',
    claimer_member_id BIGINT NOT NULL DEFAULT 0,
    claimer_org_id    BIGINT NOT NULL DEFAULT 0,
    last_on           TEXT NOT NULL DEFAULT '',
    events            INTEGER NOT NULL DEFAULT 0, -- the ledger's length: the next event's seq - 1
    updated_at        TEXT NOT NULL
);
CREATE INDEX dr_needs_community ON dr_needs (community_id, state, published_on);

-- The ledger, never rewritten. member_id / org_id: the claimer the event
-- belongs to (confirm events carry the claimer of the completion).
CREATE TABLE dr_events (
    id         BIGINT PRIMARY KEY,
    event_no   TEXT NOT NULL UNIQUE,
    need_id    BIGINT NOT NULL REFERENCES dr_needs(id),
    community_id BIGINT NOT NULL,            -- the need's community (tables by community)
    seq        INTEGER NOT NULL,
    event      TEXT NOT NULL,                -- claim, cancel, complete, confirm
    on_date    TEXT NOT NULL,
    member_id  BIGINT NOT NULL DEFAULT 0,
    org_id     BIGINT NOT NULL DEFAULT 0,
    hours      BIGINT NOT NULL DEFAULT 0,    -- hundredths, on complete
    rating     TEXT NOT NULL DEFAULT '',     -- on confirm
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (need_id, seq)
);
-- Covering indexes of the tables: by date for communities, by claimer.
CREATE INDEX dr_events_date ON dr_events (on_date, event, community_id, need_id, rating);
CREATE INDEX dr_events_claimer ON dr_events (member_id, event, on_date, hours, rating);

CREATE TABLE dr_leaders (
    member_id  BIGINT PRIMARY KEY REFERENCES members(id),
    title      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE dr_leads (
    id        BIGINT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    kind      TEXT NOT NULL,                 -- planning, investigation, opinion, lecture
    on_date   TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dr_leads_member ON dr_leads (member_id, on_date);

CREATE TABLE dr_recommendations (
    id         BIGINT PRIMARY KEY,
    year       INTEGER NOT NULL,
    street_id  BIGINT NOT NULL REFERENCES orgs(id),
    kind       TEXT NOT NULL,                -- member, org
    member_id  BIGINT NOT NULL DEFAULT 0,
    org_id     BIGINT NOT NULL DEFAULT 0,
    mass_votes INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX dr_recommendations_street ON dr_recommendations (street_id, year);

-- +goose Down
DROP INDEX dr_members_in_service;
DROP TABLE dr_recommendations;
DROP TABLE dr_leads;
DROP TABLE dr_leaders;
DROP TABLE dr_events;
DROP TABLE dr_needs;
DROP TABLE dr_registrations;
ALTER TABLE orgs DROP COLUMN level;

-- Platform: org tree, members, accounts, sessions, audit log (SPEC §1).
-- Portable SQL for SQLite and PostgreSQL: application IDs, TEXT times
-- (RFC 3339 UTC), INTEGER 0/1 booleans.

-- +goose Up
CREATE TABLE orgs (
    id          BIGINT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,          -- committee 党委, general_branch 党总支, branch 党支部
    domain      TEXT NOT NULL,          -- rural, enterprise, agency, community, new_economic, new_social
    parent_id   BIGINT REFERENCES orgs(id),
    window_unit INTEGER NOT NULL DEFAULT 0, -- 窗口单位 (seed 002)
    path        TEXT NOT NULL,          -- materialized path of ids, "/1/7/42/": subtree = path prefix
    depth       INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id);
CREATE INDEX orgs_path ON orgs (path);
CREATE INDEX orgs_name ON orgs (name);

CREATE TABLE members (
    id             BIGINT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    category       TEXT NOT NULL,       -- cadre, farming, elderly, migrant, in_service
    is_secretary   INTEGER NOT NULL DEFAULT 0,
    phone          TEXT NOT NULL DEFAULT '', -- personal data
    id_number      TEXT NOT NULL DEFAULT '', -- personal data
    gender         TEXT NOT NULL DEFAULT '',
    birth_year     INTEGER NOT NULL DEFAULT 0,
    home_unit      TEXT NOT NULL DEFAULT '',
    community_code TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL
);
CREATE INDEX members_org ON members (org_id, code);
CREATE INDEX members_name ON members (name);

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,        -- admin, org_admin, secretary, member, inspector
    org_id        BIGINT REFERENCES orgs(id),
    member_id     BIGINT REFERENCES members(id),
    locale        TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry BIGINT NOT NULL             -- unix seconds
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     BIGINT NOT NULL DEFAULT 0,
    username    TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE members;
DROP TABLE orgs;

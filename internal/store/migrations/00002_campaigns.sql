-- Mass appraisal campaigns (SPEC §2): targets, codes, ballots and the
-- tallies kept up to date as ballots arrive.

-- +goose Up
CREATE TABLE campaigns (
    id             BIGINT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    year           INTEGER NOT NULL,
    kind           TEXT NOT NULL,        -- mass, regular, year_end, commitment, typical, instant
    scope_org_id   BIGINT NOT NULL REFERENCES orgs(id),
    target_types   TEXT NOT NULL,        -- comma-separated: org,secretary,member
    scale          INTEGER NOT NULL,     -- 3 or 4
    min_mass_share TEXT NOT NULL,        -- exact decimal, "0.8"
    opens          TEXT NOT NULL DEFAULT '',
    closes         TEXT NOT NULL DEFAULT '',
    anonymity      INTEGER NOT NULL DEFAULT 3,
    publicity_days INTEGER NOT NULL DEFAULT 5,
    test_mode      INTEGER NOT NULL DEFAULT 0,
    phase          INTEGER NOT NULL DEFAULT 1,
    program        TEXT NOT NULL DEFAULT '',   -- 方案
    participants   TEXT NOT NULL DEFAULT '',   -- scope of participants
    results_use    TEXT NOT NULL DEFAULT '',   -- how results are used
    publicity_from TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TABLE criteria (
    id          BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    target_type TEXT NOT NULL,
    domain      TEXT NOT NULL DEFAULT '',   -- '' = every domain (分类指导 variants otherwise)
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX criteria_campaign ON criteria (campaign_id, target_type, domain, position);

CREATE TABLE targets (
    id          BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    type        TEXT NOT NULL,          -- org, secretary, member
    code        TEXT NOT NULL,          -- org code (org, secretary) or member code
    name        TEXT NOT NULL,
    unit_org_id BIGINT NOT NULL REFERENCES orgs(id),
    domain      TEXT NOT NULL DEFAULT '',
    satisfied           BIGINT NOT NULL DEFAULT 0, -- tallies, kept as ballots arrive
    fairly_satisfied    BIGINT NOT NULL DEFAULT 0,
    basically_satisfied BIGINT NOT NULL DEFAULT 0,
    dissatisfied        BIGINT NOT NULL DEFAULT 0,
    abstain             BIGINT NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, type, code)
);
CREATE INDEX targets_unit ON targets (campaign_id, unit_org_id);

-- Ballots cast per unit and evaluator category (R4, the minimum mass share).
CREATE TABLE unit_tallies (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    unit_org_id BIGINT NOT NULL REFERENCES orgs(id),
    category    TEXT NOT NULL,
    ballots     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, unit_org_id, category)
);

-- One-time codes (测评码). Nothing links a code to the ballot it became.
CREATE TABLE codes (
    code        TEXT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    unit_org_id BIGINT NOT NULL REFERENCES orgs(id),
    category    TEXT NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0,
    batch       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX codes_campaign ON codes (campaign_id, unit_org_id, category);

-- Ballots are anonymous: no code, no person, no time finer than the day.
CREATE TABLE ballots (
    id          BIGINT PRIMARY KEY,      -- random, says nothing of order
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    unit_org_id BIGINT NOT NULL REFERENCES orgs(id),
    category    TEXT NOT NULL,
    day         TEXT NOT NULL,           -- YYYY-MM-DD
    source      TEXT NOT NULL,           -- code, paper
    ballot_no   TEXT,                    -- paper ballots: the number on the sheet
    receipt     TEXT UNIQUE,             -- what the phone got: lets the evaluator see it was counted
    opinion     TEXT NOT NULL DEFAULT '',
    UNIQUE (campaign_id, ballot_no)
);
CREATE INDEX ballots_campaign ON ballots (campaign_id, unit_org_id);

CREATE TABLE ratings (
    ballot_id BIGINT NOT NULL REFERENCES ballots(id),
    target_id BIGINT NOT NULL REFERENCES targets(id),
    rating    TEXT NOT NULL,
    PRIMARY KEY (ballot_id, target_id)
);
CREATE INDEX ratings_target ON ratings (target_id);

-- Window units (即时评议): daily aggregates of instant ratings, no ballots.
CREATE TABLE window_daily (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    day         TEXT NOT NULL,
    satisfied           BIGINT NOT NULL DEFAULT 0,
    fairly_satisfied    BIGINT NOT NULL DEFAULT 0,
    basically_satisfied BIGINT NOT NULL DEFAULT 0,
    dissatisfied        BIGINT NOT NULL DEFAULT 0,
    abstain             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, org_id, day)
);

-- +goose Down
DROP TABLE window_daily;
DROP TABLE ratings;
DROP TABLE ballots;
DROP TABLE codes;
DROP TABLE unit_tallies;
DROP TABLE targets;
DROP TABLE criteria;
DROP TABLE campaigns;

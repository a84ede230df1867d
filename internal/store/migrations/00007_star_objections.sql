-- Star management, the year-end publicity (三评两公开, SPEC §3, seed 003):
-- objections of anyone to a branch's publicized results, answered by staff;
-- and the half-year pre-assessment's debrief of the branch secretary to the
-- street or park committee (半年预评), one per branch and year. Portable SQL
-- as in 00001.

-- +goose Up
CREATE TABLE star_objections (
    id          BIGINT PRIMARY KEY,
    year        INTEGER NOT NULL,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    member_id   BIGINT REFERENCES members(id),  -- the member objected to, if any
    text        TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',       -- optional; personal data
    filed_day   TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX star_objections_org ON star_objections (org_id, year);

CREATE TABLE star_debriefs (
    year       INTEGER NOT NULL,
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    debrief    TEXT NOT NULL DEFAULT '',   -- the secretary's debrief
    held_day   TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD
    comment    TEXT NOT NULL DEFAULT '',   -- the street/park committee's comment
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    UNIQUE (year, org_id)
);

-- +goose Down
DROP TABLE star_debriefs;
DROP TABLE star_objections;

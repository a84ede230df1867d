-- Double report (SPEC §4): the linkage ledger (联动解决台账, Annex 3) of each
-- street — projects unclaimed 30 days and problems raised by members'
-- units — and the dated steps of each item, never rewritten.

-- +goose Up
CREATE TABLE dr_linkage_items (
    id         BIGINT PRIMARY KEY,
    street_id  BIGINT NOT NULL REFERENCES orgs(id),
    source     TEXT NOT NULL,               -- unclaimed, problem
    need_id    BIGINT NOT NULL DEFAULT 0,   -- unclaimed: the need (one item per need)
    raised_by  BIGINT NOT NULL DEFAULT 0,   -- problem: the unit's org
    title      TEXT NOT NULL,
    urgent     INTEGER NOT NULL DEFAULT 0,
    level      TEXT NOT NULL,               -- street, district, city: where it stands
    state      TEXT NOT NULL,               -- open, answered, closed
    opened_on  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX dr_linkage_street ON dr_linkage_items (street_id, state);
CREATE INDEX dr_linkage_need ON dr_linkage_items (need_id);

CREATE TABLE dr_linkage_steps (
    id      BIGINT PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES dr_linkage_items(id),
    seq     INTEGER NOT NULL,
    on_date TEXT NOT NULL,
    action  TEXT NOT NULL,                  -- open, raise, answer, close
    level   TEXT NOT NULL,                  -- the level after the step
    note    TEXT NOT NULL DEFAULT '',
    UNIQUE (item_id, seq)
);

-- +goose Down
DROP TABLE dr_linkage_steps;
DROP TABLE dr_linkage_items;

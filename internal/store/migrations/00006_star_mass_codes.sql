-- One-time codes of the mass appraisal of a star year (群众评议, SPEC §3
-- "三评两公开", seed 003): the masses rate each member of a branch per
-- star on their phone. Portable SQL as in 00001. Nothing links a code to
-- the assessments it became.

-- +goose Up
CREATE TABLE star_mass_codes (
    code      TEXT PRIMARY KEY,
    year      INTEGER NOT NULL,
    org_id    BIGINT NOT NULL REFERENCES orgs(id),
    used      INTEGER NOT NULL DEFAULT 0,
    issued_at TEXT NOT NULL
);
CREATE INDEX star_mass_codes_org ON star_mass_codes (org_id, year);

-- +goose Down
DROP TABLE star_mass_codes;

-- Star management (SPEC §3, seed 003): ratings, finalized results, the
-- rules of a year, responsibility books (责任书), the logbook (纪实), the
-- half-year pre-assessment (半年预评), the year-end three assessments
-- (三评), lagging-member follow-ups (后进党员帮扶) and door-plate comments.
-- Portable SQL for SQLite and PostgreSQL, as in 00001.

-- +goose Up

-- The rules of a year; a year without a row uses rules.DefaultStarRules().
-- Caps stay those of the categories (they decide the import columns).
CREATE TABLE star_rules (
    year          INTEGER PRIMARY KEY,
    quota_percent INTEGER NOT NULL,     -- excellent ≤ ⌊quota% × rated⌋ per branch and cap group
    excellent_10  INTEGER NOT NULL,     -- excellent at ≥ this many of 10
    poor_10       INTEGER NOT NULL,     -- poor at ≤ this many of 10
    excellent_6   INTEGER NOT NULL,
    poor_6        INTEGER NOT NULL,
    weight_self   TEXT NOT NULL,        -- exact decimals, e.g. "0.2"
    weight_peer   TEXT NOT NULL,
    weight_mass   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- The branch committee's rating of a member for a year (imported or entered).
CREATE TABLE star_ratings (
    year          INTEGER NOT NULL,
    member_id     BIGINT NOT NULL REFERENCES members(id),
    ideology      INTEGER NOT NULL,
    compliance    INTEGER NOT NULL,
    civilization  INTEGER NOT NULL,
    joint_service INTEGER,              -- NULL for cap-6 categories
    post_duty     INTEGER,              -- NULL for cap-6 categories
    total         INTEGER NOT NULL,
    cap           INTEGER NOT NULL,
    source        TEXT NOT NULL,        -- import, committee
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (year, member_id)
);
CREATE INDEX star_ratings_member ON star_ratings (member_id);

-- Finalized results (star finalize): level and the helper of a poor member.
CREATE TABLE star_results (
    year             INTEGER NOT NULL,
    member_id        BIGINT NOT NULL REFERENCES members(id),
    stars            INTEGER NOT NULL,
    cap              INTEGER NOT NULL,
    level            TEXT NOT NULL,     -- excellent, good, poor
    helper_member_id BIGINT REFERENCES members(id),
    finalized_at     TEXT NOT NULL,
    PRIMARY KEY (year, member_id)
);
CREATE INDEX star_results_member ON star_results (member_id);

-- 责任书: the annual goal a member signs with the branch secretary.
CREATE TABLE star_goals (
    id               BIGINT PRIMARY KEY,
    year             INTEGER NOT NULL,
    member_id        BIGINT NOT NULL REFERENCES members(id),
    stars_aimed      INTEGER NOT NULL,
    post             TEXT NOT NULL DEFAULT '',  -- tech_demo, village_affairs, stability, democratic_supervision, or a custom post's name
    post_note        TEXT NOT NULL DEFAULT '',  -- what the member does on the post
    household1       TEXT NOT NULL DEFAULT '',  -- "1+2": the households kept in touch with
    household2       TEXT NOT NULL DEFAULT '',
    measures         TEXT NOT NULL DEFAULT '',  -- 创星措施
    member_signed    TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, '' = not yet
    secretary_signed TEXT NOT NULL DEFAULT '',
    public           INTEGER NOT NULL DEFAULT 0, -- posted on the affairs column / door-plate page
    updated_at       TEXT NOT NULL,
    UNIQUE (year, member_id)
);

-- 纪实: the member's logbook.
CREATE TABLE star_log (
    id         BIGINT PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members(id),
    day        TEXT NOT NULL,           -- YYYY-MM-DD
    kind       TEXT NOT NULL,           -- household_service, post_duty, service_activity
    served     TEXT NOT NULL DEFAULT '', -- the people served
    people     INTEGER NOT NULL DEFAULT 0, -- how many
    content    TEXT NOT NULL,           -- what was done
    photo      BYTEA,
    photo_mime TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX star_log_member ON star_log (member_id, day);

-- 半年预评: the branch's pre-rating of each member at mid-year.
CREATE TABLE star_preassessments (
    year          INTEGER NOT NULL,
    member_id     BIGINT NOT NULL REFERENCES members(id),
    ideology      INTEGER NOT NULL,
    compliance    INTEGER NOT NULL,
    civilization  INTEGER NOT NULL,
    joint_service INTEGER,
    post_duty     INTEGER,
    total         INTEGER NOT NULL,
    cap           INTEGER NOT NULL,
    debrief       TEXT NOT NULL DEFAULT '', -- the member's report to the branch
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (year, member_id)
);

-- 三评: self (rater = the member), peer (rater = another member of the
-- branch) and mass (no rater; anonymous) assessments at year end.
CREATE TABLE star_assessments (
    id              BIGINT PRIMARY KEY,
    year            INTEGER NOT NULL,
    member_id       BIGINT NOT NULL REFERENCES members(id),
    kind            TEXT NOT NULL,      -- self, peer, mass
    rater_member_id BIGINT REFERENCES members(id),
    ideology        INTEGER NOT NULL,
    compliance      INTEGER NOT NULL,
    civilization    INTEGER NOT NULL,
    joint_service   INTEGER,
    post_duty       INTEGER,
    created_at      TEXT NOT NULL
);
CREATE INDEX star_assessments_member ON star_assessments (year, member_id, kind);
CREATE UNIQUE INDEX star_assessments_rater ON star_assessments (year, member_id, kind, rater_member_id);

-- 后进党员帮扶记录.
CREATE TABLE star_followups (
    id               BIGINT PRIMARY KEY,
    year             INTEGER NOT NULL,
    member_id        BIGINT NOT NULL REFERENCES members(id),
    helper_member_id BIGINT REFERENCES members(id),
    day              TEXT NOT NULL,
    note             TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX star_followups_member ON star_followups (member_id, day);

-- Comments of the public on a member's door-plate page; shown once approved.
CREATE TABLE star_comments (
    id          BIGINT PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES members(id),
    text        TEXT NOT NULL,
    status      TEXT NOT NULL,          -- pending, approved, rejected
    created_day TEXT NOT NULL,          -- YYYY-MM-DD, no finer
    reviewed_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX star_comments_member ON star_comments (member_id, status);
CREATE INDEX star_comments_status ON star_comments (status, created_day);

-- +goose Down
DROP TABLE star_comments;
DROP TABLE star_followups;
DROP TABLE star_assessments;
DROP TABLE star_preassessments;
DROP TABLE star_log;
DROP TABLE star_goals;
DROP TABLE star_results;
DROP TABLE star_ratings;
DROP TABLE star_rules;

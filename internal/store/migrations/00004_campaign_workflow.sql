-- The phases of a campaign (SPEC §2): self-check, the centralized meeting,
-- notification, publicity with objections, rectification.

-- +goose Up
-- 自查: what an org collected and concluded before the meeting.
CREATE TABLE self_checks (
    id            BIGINT PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id),
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    mass_opinions TEXT NOT NULL DEFAULT '',  -- opinions collected from the masses
    achievements  TEXT NOT NULL DEFAULT '',
    shortfalls    TEXT NOT NULL DEFAULT '',
    measures      TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    UNIQUE (campaign_id, org_id)
);

-- 小结: each member's own summary.
CREATE TABLE member_summaries (
    id          BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    member_id   BIGINT NOT NULL REFERENCES members(id),
    text        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (campaign_id, member_id)
);

-- 集中评议: the meeting of one unit.
CREATE TABLE meetings (
    id             BIGINT PRIMARY KEY,
    campaign_id    BIGINT NOT NULL REFERENCES campaigns(id),
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    held_on        TEXT NOT NULL DEFAULT '',
    method         TEXT NOT NULL DEFAULT 'meeting', -- meeting, questionnaire, seminar, interview, online, instant
    attendees_json TEXT NOT NULL DEFAULT '{}',      -- evaluator category -> count
    report         TEXT NOT NULL DEFAULT '',        -- the secretary's report and 述职
    superior_rep   TEXT NOT NULL DEFAULT '',        -- who the superior org sent
    leader_comment TEXT NOT NULL DEFAULT '',        -- 领导点评
    updated_at     TEXT NOT NULL,
    UNIQUE (campaign_id, org_id)
);

-- 通报: notices of a campaign (also shown during publicity).
CREATE TABLE notices (
    id          BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    published   TEXT NOT NULL
);

-- 异议: objections filed during publicity, answered by staff.
CREATE TABLE objections (
    id          BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    target_id   BIGINT REFERENCES targets(id),
    text        TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',  -- optional; personal data
    filed_day   TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX objections_campaign ON objections (campaign_id);

-- 整改: one item per problem found.
CREATE TABLE rectifications (
    id          BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    target_id   BIGINT REFERENCES targets(id),
    problem     TEXT NOT NULL,
    cause       TEXT NOT NULL DEFAULT '',
    measures    TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    deadline    TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD
    status      TEXT NOT NULL DEFAULT 'open', -- open, in_progress, done, verified, rejected
    verified_by TEXT NOT NULL DEFAULT '',
    verified_at TEXT NOT NULL DEFAULT '',
    verify_note TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX rectifications_org ON rectifications (org_id);
CREATE INDEX rectifications_campaign ON rectifications (campaign_id);

CREATE TABLE evidence_files (
    id                BIGINT PRIMARY KEY,
    rectification_id  BIGINT NOT NULL REFERENCES rectifications(id),
    name              TEXT NOT NULL,
    mime              TEXT NOT NULL,
    data              BYTEA NOT NULL,
    uploaded_at       TEXT NOT NULL
);
CREATE INDEX evidence_files_item ON evidence_files (rectification_id);

-- Standing QR codes of window units (即时评议), one per unit and campaign.
CREATE TABLE window_codes (
    code        TEXT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    UNIQUE (campaign_id, org_id)
);

-- +goose Down
DROP TABLE window_codes;
DROP TABLE evidence_files;
DROP TABLE rectifications;
DROP TABLE objections;
DROP TABLE notices;
DROP TABLE meetings;
DROP TABLE member_summaries;
DROP TABLE self_checks;

-- Opinions by email (SPEC §5): every message received is kept as it came
-- (raw, base64 text: portable on both databases), with the opinion it
-- became, or the reason it could not be read (kept for staff, never
-- dropped); attachments of an opinion. Portable SQL as in 00001.

-- +goose Up
CREATE TABLE voice_mail (
    id          BIGINT PRIMARY KEY,
    received_at TEXT NOT NULL,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),  -- where it was received
    opinion_id  BIGINT REFERENCES opinions(id),       -- NULL: not read
    problem     TEXT NOT NULL DEFAULT '',
    raw_b64     TEXT NOT NULL
);
CREATE INDEX voice_mail_org ON voice_mail (org_id, opinion_id);

CREATE TABLE opinion_attachments (
    opinion_id   BIGINT NOT NULL REFERENCES opinions(id),
    seq          INTEGER NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data_b64     TEXT NOT NULL,
    PRIMARY KEY (opinion_id, seq)
);

-- +goose Down
DROP TABLE opinion_attachments;
DROP TABLE voice_mail;

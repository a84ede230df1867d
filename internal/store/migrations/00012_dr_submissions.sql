-- Double report (SPEC §4): the semiannual tables as submitted — a frozen
-- snapshot per unit (Appendix 1) or street (Appendix 2) and half-year.

-- +goose Up
CREATE TABLE dr_submissions (
    id           BIGINT PRIMARY KEY,
    kind         TEXT NOT NULL,   -- unit (Appendix 1), street (Appendix 2)
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    half         TEXT NOT NULL,   -- YYYYH1, YYYYH2
    submitted_on TEXT NOT NULL,   -- YYYY-MM-DD, judged against the due date
    submitted_at TEXT NOT NULL,   -- RFC 3339 UTC
    snapshot     TEXT NOT NULL,   -- the table as CSV, header and TOTAL row included
    UNIQUE (kind, org_id, half)
);

-- +goose Down
DROP TABLE dr_submissions;

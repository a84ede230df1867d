-- The tamper-evident audit log (issue 15): each entry carries its place in
-- the chain (seq), the hash of the entry before it (prev_hash) and its own
-- hash over its canonical form (store/audit_chain.go); audit_head holds the
-- chain's last seq and hash, updated in the transaction of every
-- entry, so concurrent writers queue on its one row and the chain stays
-- linear on both databases. Entries written before this migration (hash '')
-- are chained by the first entry written after it. Portable SQL as in 00001.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_seq ON audit_log (seq);
CREATE INDEX audit_log_unchained ON audit_log (id) WHERE hash = '';
CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY,
    seq     BIGINT NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP INDEX audit_log_unchained;
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN seq;

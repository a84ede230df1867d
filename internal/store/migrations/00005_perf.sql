-- Indexes chosen from measured costs and query plans on SQLite and
-- PostgreSQL (docs/PERFORMANCE.md).

-- +goose Up
-- ratings_target made every ballot insert twelve index entries at random
-- places of a large B-tree (a rating per target, targets all over the
-- tree): on SQLite about half of the pages a ballot dirties, each written
-- to the WAL at commit; ballot intake ran 1.6× faster without it. No query
-- reads ratings by target: results read the tallies kept on targets, and
-- RecountCampaign counts a unit's ratings through its ballots
-- (ballots_campaign, then the ratings primary key). Targets are never
-- deleted (a deletion would now scan ratings for its foreign key).
DROP INDEX ratings_target;

-- +goose Down
CREATE INDEX ratings_target ON ratings (target_id);

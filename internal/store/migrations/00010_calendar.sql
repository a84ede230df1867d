-- The working-day calendar (SPEC §7): the dates that are not what their
-- weekday says — holidays (放假) on weekdays or weekends, and weekend days
-- worked (调休). Monday–Friday is the rule for every date not listed. One
-- calendar for the whole platform. Portable SQL as in 00001.

-- +goose Up
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,        -- YYYY-MM-DD
    kind       TEXT NOT NULL,           -- holiday | workday
    name       TEXT NOT NULL DEFAULT '', -- e.g. 春节
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE calendar_days;

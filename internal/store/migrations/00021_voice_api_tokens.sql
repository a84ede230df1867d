-- API tokens of the opinions API (POST /api/v1/opinions and the tracking
-- endpoints): a hotline or 12345 system posts with its own token, which an
-- administrator issues (shown once; only its SHA-256 is kept) and revokes.
-- Portable SQL as in 00001.

-- +goose Up
CREATE TABLE voice_api_tokens (
    id         BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    channel    TEXT NOT NULL,            -- the channel its opinions come in by (hotline, web, …)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    revoked_at TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE voice_api_tokens;

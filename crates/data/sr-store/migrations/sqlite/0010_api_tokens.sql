-- Tokens of the team HTTP API (`scratchrobin api token create`). Only the
-- SHA-256 of each token is kept: the token itself is shown once, when it is
-- made, and cannot be read back from the store. Additive: older binaries
-- never read this table.
CREATE TABLE api_tokens (
    -- Short public id, shown by `api token list` and used to revoke.
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    -- read or write
    scope       TEXT NOT NULL,
    -- Hex SHA-256 of the whole token.
    token_hash  TEXT NOT NULL UNIQUE,
    -- Milliseconds since the epoch.
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT,
    last_used_at BIGINT
);

-- Per-channel noise policy (rate limit, quiet hours, daily cap): one row
-- per channel with sr-notify's policy state as JSON (messages let through
-- in the rate window, today's count, what was held back for the summary).
-- Replaced only by whoever read its current version, in the same
-- transaction as the grouping step it goes with, so two processes never
-- both let a message through past a limit. Additive: older binaries never
-- read this table.

CREATE TABLE notification_channels (
    channel     TEXT NOT NULL PRIMARY KEY,
    -- sr-notify's ChannelState as JSON; the store does not read it.
    state       TEXT NOT NULL,
    -- Bumped by each replacement (compare-and-set).
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

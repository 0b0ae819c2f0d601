-- Scheduled jobs shared by every `serve` on a team store: one row per job
-- name. A process runs an interval of a job only after claiming it here
-- (next_due moves one interval ahead in the same statement), so each
-- interval runs once whichever process wins. Additive: older binaries
-- never read this table.

CREATE TABLE job_claims (
    name TEXT PRIMARY KEY,
    -- Milliseconds since the epoch; claimable from then on.
    next_due BIGINT NOT NULL,
    -- The running claimant (announced ids end in "+p"), or NULL when idle.
    claimed_by TEXT,
    claimed_at BIGINT,
    -- Who ran it last and how that run ended.
    last_by TEXT,
    last_finished_at BIGINT,
    last_error TEXT,
    runs BIGINT NOT NULL DEFAULT 0
);

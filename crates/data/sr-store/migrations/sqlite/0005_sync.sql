-- Tracker sync: where each tracker's polling stands (its updated-since
-- cursor, health and last error), the SyncOperations that manual and
-- scheduled syncs record (kept 7 days as the sync log), edits made in the
-- workbench waiting to be pushed, and issues the tracker no longer holds.
CREATE TABLE sync_trackers (
    tracker          TEXT PRIMARY KEY,
    -- The newest updated_at seen by a complete poll (tracker's clock, ms).
    cursor_ms        INTEGER,
    last_full_ms     INTEGER,
    last_success_ms  INTEGER,
    last_attempt_ms  INTEGER,
    -- ok, degraded
    health           TEXT NOT NULL,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT
);

CREATE TABLE sync_operations (
    id             TEXT PRIMARY KEY,
    tracker        TEXT NOT NULL,
    -- full, incremental
    kind           TEXT NOT NULL,
    -- manual, scheduled, webhook
    origin         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    include_closed INTEGER NOT NULL,
    -- pending, in_progress, completed, failed, cancelled
    status         TEXT NOT NULL,
    progress       TEXT NOT NULL,
    results        TEXT NOT NULL,
    error          TEXT,
    started_at     INTEGER,
    completed_at   INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX sync_operations_tracker ON sync_operations (tracker, status);
CREATE INDEX sync_operations_created ON sync_operations (created_at);
-- One active operation per tracker, across every process sharing the store.
CREATE UNIQUE INDEX sync_operations_one_active ON sync_operations (tracker)
    WHERE status IN ('pending', 'in_progress');

-- A field edited in the workbench, pushed by the next sync. The base is
-- the value the edit started from, so a remote change since is a conflict.
CREATE TABLE sync_local_edits (
    id         INTEGER PRIMARY KEY,
    issue_key  TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    base       TEXT NOT NULL,
    edited_at  INTEGER NOT NULL,
    pushed_at  INTEGER,
    UNIQUE (issue_key, field, edited_at)
);
CREATE INDEX sync_local_edits_pending ON sync_local_edits (pushed_at, issue_key);

-- Issues a full sync no longer found where they were: deleted, or moved
-- (transferred) to another key. The cache row stays for its links.
CREATE TABLE sync_removed (
    issue_key  TEXT PRIMARY KEY,
    moved_to   TEXT,
    removed_at INTEGER NOT NULL
);

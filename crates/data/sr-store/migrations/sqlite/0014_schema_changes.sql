-- Schema changes the workbench detected or applied (drift found by a
-- check, migrations applied), one row per change, for the traceability
-- report: which share of them has a linked issue, and how long after its
-- issue a migration came. `change_key` is the change's identity (a hash of
-- what changed, without the times), so the same drift seen by two
-- processes, or found again by the next check, is one row. Additive:
-- older binaries never read this table.
CREATE TABLE schema_changes (
    id          INTEGER PRIMARY KEY,
    change_key  TEXT NOT NULL UNIQUE,
    -- drift, migration
    kind        TEXT NOT NULL,
    connection  TEXT NOT NULL,
    -- The object as `schema.name`; NULL for a change of the whole database.
    object      TEXT,
    -- A line for people: the drift's summary, the migration's id.
    summary     TEXT NOT NULL,
    -- Milliseconds since the epoch: when the change happened or was found.
    occurred_at INTEGER NOT NULL
);
CREATE INDEX schema_changes_connection ON schema_changes (connection, occurred_at);

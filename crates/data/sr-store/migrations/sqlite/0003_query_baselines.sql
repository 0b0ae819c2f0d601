-- Query performance baselines: one row per saved measurement of a query
-- (by its fingerprint) on a connection. The newest row is the baseline a
-- new run is compared with; older rows are the history.
CREATE TABLE query_baselines (
    id          INTEGER PRIMARY KEY,
    connection  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sql_text    TEXT NOT NULL,
    runs        INTEGER NOT NULL,
    median_ms   REAL NOT NULL,
    p95_ms      REAL NOT NULL,
    mad_ms      REAL NOT NULL,
    min_ms      REAL NOT NULL,
    max_ms      REAL NOT NULL,
    plan        TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX query_baselines_key ON query_baselines (connection, fingerprint, recorded_at);

-- Column storage and compression, and table storage parameters.
CREATE TABLE document (
    id integer PRIMARY KEY,
    body text COMPRESSION lz4,
    blob bytea,
    meta jsonb
) WITH (fillfactor = 80, autovacuum_enabled = false);
ALTER TABLE document ALTER COLUMN blob SET STORAGE EXTERNAL;
ALTER TABLE document ALTER COLUMN meta SET STORAGE MAIN;

-- Change notices exist for the PostgreSQL team store only (LISTEN/NOTIFY);
-- a SQLite store has one workbench. The version is kept in step.
SELECT 1;

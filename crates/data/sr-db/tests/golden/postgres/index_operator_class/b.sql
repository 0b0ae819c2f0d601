CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE p (id integer PRIMARY KEY, name text, code varchar(20));
CREATE INDEX p_code ON p (code varchar_pattern_ops);
CREATE INDEX p_name_trgm ON p USING gin (name gin_trgm_ops);

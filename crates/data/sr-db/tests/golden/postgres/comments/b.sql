CREATE TABLE t (id integer PRIMARY KEY, name text);
COMMENT ON TABLE t IS 'Things we sell';
COMMENT ON COLUMN t.name IS 'Shown to customers';
COMMENT ON SCHEMA public IS 'standard public schema';

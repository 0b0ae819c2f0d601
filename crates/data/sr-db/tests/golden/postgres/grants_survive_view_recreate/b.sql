CREATE TABLE o (id integer PRIMARY KEY, total bigint);
CREATE VIEW totals AS SELECT id, total FROM o;
GRANT SELECT ON totals TO PUBLIC;

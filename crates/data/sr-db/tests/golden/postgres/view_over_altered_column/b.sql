CREATE TABLE o (id integer PRIMARY KEY, total bigint);
CREATE VIEW totals AS SELECT id, total FROM o;
CREATE VIEW big AS SELECT id FROM totals WHERE total > 100;

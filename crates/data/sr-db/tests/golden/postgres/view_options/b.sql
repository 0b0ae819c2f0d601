CREATE TABLE o (id integer PRIMARY KEY, total integer);
CREATE VIEW big WITH (security_barrier) AS SELECT id, total FROM o WHERE total > 100 WITH LOCAL CHECK OPTION;

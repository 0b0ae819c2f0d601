CREATE TABLE o (id integer PRIMARY KEY, total integer);
CREATE VIEW big AS SELECT id, total FROM o WHERE total > 100;

CREATE TABLE t (id integer PRIMARY KEY, code text, amount bigint);
INSERT INTO t VALUES (1, 'ab', 5);

CREATE TABLE t (id serial PRIMARY KEY, n integer);
CREATE INDEX t_n ON t (n);
INSERT INTO t (n) SELECT g FROM generate_series(1, 500) g;
ANALYZE t;
SELECT setval('t_id_seq', 9000);

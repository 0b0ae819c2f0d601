CREATE TABLE t (id serial PRIMARY KEY, n integer);
CREATE INDEX t_n ON t (n);

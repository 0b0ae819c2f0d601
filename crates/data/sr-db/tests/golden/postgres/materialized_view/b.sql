CREATE TABLE o (id integer PRIMARY KEY, total numeric);
CREATE MATERIALIZED VIEW o_sum AS SELECT count(*) AS n, sum(total) AS total FROM o;
CREATE UNIQUE INDEX o_sum_n ON o_sum (n);

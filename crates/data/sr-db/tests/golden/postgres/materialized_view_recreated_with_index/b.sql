CREATE TABLE o (id integer PRIMARY KEY, total bigint);
CREATE MATERIALIZED VIEW o_totals AS SELECT id, total FROM o;
CREATE UNIQUE INDEX o_totals_id ON o_totals (id);
COMMENT ON MATERIALIZED VIEW o_totals IS 'Totals per order';
CREATE VIEW o_big AS SELECT id FROM o_totals WHERE total > 100;

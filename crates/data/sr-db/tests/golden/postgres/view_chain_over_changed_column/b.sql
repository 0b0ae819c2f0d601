DO $$ BEGIN CREATE ROLE sr_golden_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
-- The column under a chain of views changes type: every view over it
-- (through another view too) is dropped first and created again after,
-- with its grants, comments and the materialized view's index.
CREATE TABLE product (id integer PRIMARY KEY, price numeric(12, 2), name text);
CREATE VIEW product_prices AS SELECT id, price FROM product;
CREATE VIEW expensive AS SELECT id FROM product_prices WHERE price > 100;
CREATE MATERIALIZED VIEW price_stats AS SELECT max(price) AS top FROM product_prices;
CREATE INDEX price_stats_top ON price_stats (top);
GRANT SELECT ON product_prices, expensive TO sr_golden_reader;
COMMENT ON VIEW expensive IS 'over 100';
COMMENT ON MATERIALIZED VIEW price_stats IS 'refreshed nightly';

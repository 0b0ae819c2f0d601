CREATE TABLE prices (id integer PRIMARY KEY, amount numeric NOT NULL);
CREATE FUNCTION total_price() RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT coalesce(sum(amount), 0) FROM prices $$;
CREATE VIEW price_summary AS SELECT total_price() AS total;

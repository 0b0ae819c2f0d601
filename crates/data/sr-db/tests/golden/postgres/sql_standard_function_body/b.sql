-- A function with an SQL-standard body reads a table, which the catalog
-- records: the table comes first. A default calls a function.
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql RETURN 'C-' || floor(random() * 1000)::text;
CREATE TABLE coupon (id integer PRIMARY KEY, code text NOT NULL DEFAULT next_code(), used boolean NOT NULL DEFAULT false);
CREATE FUNCTION unused_coupons() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM coupon WHERE NOT used;
END;
CREATE VIEW coupon_stats AS SELECT unused_coupons() AS unused;

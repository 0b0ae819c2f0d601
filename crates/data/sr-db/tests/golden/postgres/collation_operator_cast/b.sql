-- A non-deterministic ICU collation used by a column, a composite type
-- with a cast to text and an operator on it: each created before what
-- uses it.
CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tag (id integer PRIMARY KEY, name text COLLATE case_insensitive NOT NULL);
CREATE TYPE pair AS (left_value integer, right_value integer);
CREATE FUNCTION pair_text(p pair) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT p.left_value || ':' || p.right_value $$;
CREATE CAST (pair AS text) WITH FUNCTION pair_text(pair) AS ASSIGNMENT;
CREATE FUNCTION pair_eq(a pair, b pair) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT a.left_value = b.left_value AND a.right_value = b.right_value $$;
CREATE OPERATOR === (LEFTARG = pair, RIGHTARG = pair, FUNCTION = pair_eq, COMMUTATOR = ===);
CREATE VIEW same_pairs AS SELECT ROW(1, 2)::pair === ROW(1, 2)::pair AS same, (ROW(1, 2)::pair)::text AS shown;
COMMENT ON COLLATION case_insensitive IS 'for tag names';
COMMENT ON OPERATOR === (pair, pair) IS 'pairs with equal halves';
COMMENT ON CAST (pair AS text) IS 'left:right';

-- A range type used by a column, and a function returning a composite
-- type that is new.
CREATE TYPE address AS (street text, city text);
CREATE TYPE price_range AS RANGE (SUBTYPE = numeric);
CREATE TYPE person_card AS (name text, city text);
CREATE TABLE person (id integer PRIMARY KEY, home address, budget price_range);
CREATE FUNCTION card(p person) RETURNS person_card
    LANGUAGE sql IMMUTABLE AS $$ SELECT ROW(p.id::text, (p.home).city)::person_card $$;
COMMENT ON TYPE price_range IS 'lower and upper budget';

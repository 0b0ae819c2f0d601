-- A label goes away: the type is recreated, the columns (one an array)
-- converted with their defaults taken off and put back, and the view and
-- the function that use the type dropped before and created after.
CREATE TYPE status AS ENUM ('new', 'paid', 'done');
CREATE TABLE orders (
    id integer PRIMARY KEY,
    status status NOT NULL DEFAULT 'new',
    history status[] NOT NULL DEFAULT '{new}'
);
CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status <> 'done';
CREATE FUNCTION is_final(s status) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT s IN ('done') $$;

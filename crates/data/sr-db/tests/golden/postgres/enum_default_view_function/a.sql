CREATE TYPE status AS ENUM ('new', 'paid', 'void', 'done');
CREATE TABLE orders (
    id integer PRIMARY KEY,
    status status NOT NULL DEFAULT 'new',
    history status[] NOT NULL DEFAULT '{new}'
);
CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status <> 'done';
CREATE FUNCTION is_final(s status) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT s IN ('void', 'done') $$;

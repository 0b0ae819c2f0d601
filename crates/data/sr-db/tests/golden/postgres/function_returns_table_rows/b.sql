-- A function returning a table's rows, and a view calling it: the table
-- must exist before the function, the function before the view.
CREATE TABLE customer (
    customer_id integer PRIMARY KEY,
    name text NOT NULL,
    active boolean NOT NULL DEFAULT true
);
CREATE FUNCTION active_customers() RETURNS SETOF customer
    LANGUAGE sql STABLE AS $$ SELECT * FROM customer WHERE active $$;
CREATE FUNCTION customer_label(c customer) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT c.name || ' #' || c.customer_id $$;
CREATE VIEW active_customer_labels AS
    SELECT customer_label(c) AS label FROM active_customers() c;

-- @include ../../samples/chinook/chinook-postgresql-schema.sql
CREATE VIEW invoice_totals AS SELECT invoice_id, sum(unit_price * quantity) AS total FROM invoice_line GROUP BY invoice_id;

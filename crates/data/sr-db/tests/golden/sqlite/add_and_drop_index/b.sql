CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, placed_at TEXT);
CREATE INDEX orders_customer ON orders(customer_id, placed_at DESC);

CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, placed_at TEXT);
CREATE INDEX orders_placed ON orders(placed_at);

CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL, status TEXT);
CREATE VIEW open_orders AS SELECT id, total, status FROM orders WHERE status IN ('open', 'held');
CREATE VIEW big_orders AS SELECT id FROM open_orders WHERE total > 100;

CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL, note TEXT);
CREATE VIEW order_totals AS SELECT id, total FROM orders;
CREATE VIEW big_totals AS SELECT id FROM order_totals WHERE total > 100;

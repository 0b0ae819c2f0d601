CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL NOT NULL, updated_at TEXT);
CREATE INDEX orders_total ON orders(total);
CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN UPDATE orders SET updated_at = 'x' WHERE id = NEW.id; END;

CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at TEXT, total REAL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN UPDATE orders SET updated_at = 'x' WHERE id = NEW.id; END;

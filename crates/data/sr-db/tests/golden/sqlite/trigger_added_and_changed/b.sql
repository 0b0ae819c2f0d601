CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at TEXT, total REAL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE TRIGGER orders_touch AFTER UPDATE OF total ON orders BEGIN UPDATE orders SET updated_at = datetime('now') WHERE id = NEW.id; END;
CREATE TRIGGER orders_audit AFTER DELETE ON orders WHEN OLD.total > 0 BEGIN INSERT INTO audit(what) VALUES ('deleted ' || OLD.id); END;

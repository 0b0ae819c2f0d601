CREATE TABLE stock (product_id INTEGER PRIMARY KEY, qty INTEGER, note TEXT);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, product_id INTEGER, qty INTEGER);
CREATE TRIGGER order_items_reserve AFTER INSERT ON order_items BEGIN UPDATE stock SET qty = qty - NEW.qty WHERE product_id = NEW.product_id; END;
INSERT INTO stock VALUES (1, 10, 'x');

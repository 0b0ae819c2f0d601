CREATE TABLE items (id int NOT NULL PRIMARY KEY, qty int, CONSTRAINT qty_positive CHECK (qty > 0));

CREATE TABLE items (id int NOT NULL PRIMARY KEY, qty int, CONSTRAINT qty_positive CHECK (qty >= 0 and qty < 1000), CONSTRAINT id_positive CHECK (id > 0));

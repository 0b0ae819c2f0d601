CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, legacy_code TEXT);
INSERT INTO products VALUES (1, 'pen', 'X1');

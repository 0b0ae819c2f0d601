CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, name TEXT NOT NULL);
INSERT INTO customers VALUES (1, 'a@example.com', 'Ann');

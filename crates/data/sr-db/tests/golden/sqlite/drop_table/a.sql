CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id));
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO customers VALUES (1, 'a@example.com');
INSERT INTO orders VALUES (1, 1);

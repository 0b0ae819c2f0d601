CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, active INTEGER);
CREATE UNIQUE INDEX customers_email ON customers(email);

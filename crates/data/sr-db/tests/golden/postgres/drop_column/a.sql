CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL);
ALTER TABLE customers ADD COLUMN legacy text;

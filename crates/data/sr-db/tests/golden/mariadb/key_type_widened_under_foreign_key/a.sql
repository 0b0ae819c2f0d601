CREATE TABLE customers (id int NOT NULL PRIMARY KEY);
CREATE TABLE orders (id int NOT NULL PRIMARY KEY, customer_id int, KEY orders_customer (customer_id), CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id));
INSERT INTO customers VALUES (1);
INSERT INTO orders VALUES (1, 1);

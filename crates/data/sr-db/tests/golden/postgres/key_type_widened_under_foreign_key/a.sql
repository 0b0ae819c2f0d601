CREATE TABLE customers (id int PRIMARY KEY);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int CONSTRAINT orders_customer_fk REFERENCES customers (id));
INSERT INTO customers VALUES (1);
INSERT INTO orders VALUES (1, 1);

CREATE TABLE customers (id bigint NOT NULL PRIMARY KEY);
CREATE TABLE orders (id int NOT NULL PRIMARY KEY, customer_id bigint, KEY orders_customer (customer_id), CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id));

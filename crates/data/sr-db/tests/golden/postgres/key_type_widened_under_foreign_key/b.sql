CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id int PRIMARY KEY, customer_id bigint CONSTRAINT orders_customer_fk REFERENCES customers (id));

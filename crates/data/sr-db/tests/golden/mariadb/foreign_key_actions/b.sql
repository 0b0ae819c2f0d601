CREATE TABLE customers (id int NOT NULL PRIMARY KEY, email varchar(120) NOT NULL);
CREATE TABLE orders (id int NOT NULL PRIMARY KEY, customer_id int, KEY orders_customer (customer_id), CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL ON UPDATE CASCADE);

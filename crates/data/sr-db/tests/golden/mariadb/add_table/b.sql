CREATE TABLE customers (id int NOT NULL PRIMARY KEY, email varchar(120) NOT NULL);
CREATE TABLE orders (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, total decimal(10,2) NOT NULL DEFAULT 0.00, KEY orders_customer (customer_id), CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE);

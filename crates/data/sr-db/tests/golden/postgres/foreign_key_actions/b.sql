CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer CONSTRAINT orders_customer_fk REFERENCES customers(id) ON DELETE SET NULL ON UPDATE CASCADE);

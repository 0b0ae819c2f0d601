CREATE TABLE items (order_id integer NOT NULL, line integer NOT NULL, CONSTRAINT items_pkey PRIMARY KEY (order_id, line));

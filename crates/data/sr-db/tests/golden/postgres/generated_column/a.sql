CREATE TABLE lines (id integer PRIMARY KEY, qty integer, price numeric(10,2));

CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, name varchar(80), active boolean NOT NULL DEFAULT true);

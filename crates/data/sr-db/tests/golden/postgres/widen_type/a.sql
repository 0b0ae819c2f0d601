CREATE TABLE t (id integer PRIMARY KEY, code varchar(10), qty smallint, price numeric(8,2));
